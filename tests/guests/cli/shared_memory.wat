;; A Capsule module that interp refuses and V8 runs: its memory is shared and its handler uses an atomic
;; instruction (the threads proposal, beyond WebAssembly 2.0). callHandle answers "hello from shared memory".
(module
  (memory (export "memory") 1 1 shared)
  (global $next (mut i32) (i32.const 1024))
  (data (i32.const 16) "Shello from shared memory")
  (func (export "_start"))
  (func (export "malloc") (param $size i32) (result i32) (local $at i32)
    (local.set $at (global.get $next))
    (global.set $next (i32.add (global.get $next) (local.get $size)))
    (local.get $at))
  (func (export "free") (param i32))
  (func (export "callHandle") (param i32 i32) (result i64)
    (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
    (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 25))))
