;; A library module whose exports another instance imports (src/engine/externs_test.cc).
(module
  (memory (export "memory") 1 4)
  (table (export "table") 2 funcref)
  (global (export "base") i32 (i32.const 1000))
  (global (export "counter") (mut i64) (i64.const 0))
  (func $double (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (elem (i32.const 0) func $double)
)
