;; Imports an immutable v128 global, which V8 10.2 cannot do (src/engine/values_test.cc).
(module (import "env" "v" (global v128)))
