;; Imports of every kind, for the host's own objects or another instance's exports (src/engine/externs_test.cc).
(module
  (import "env" "memory" (memory 1 4))
  (import "env" "table" (table 2 funcref))
  (import "env" "base" (global $base i32))
  (import "env" "counter" (global $counter (mut i64)))
  (import "env" "double" (func $double (param i32) (result i32)))
  (export "memory" (memory 0))
  (export "base" (global $base))
  (export "double" (func $double))
  (type $i_i (func (param i32) (result i32)))
  ;; memory[at] = base + double(x); counter += 1
  (func (export "store") (param $at i32) (param $x i32)
    (i32.store (local.get $at) (i32.add (global.get $base) (call $double (local.get $x))))
    (global.set $counter (i64.add (global.get $counter) (i64.const 1))))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "call_slot") (param i32 i32) (result i32)
    (call_indirect (type $i_i) (local.get 1) (local.get 0)))
)
