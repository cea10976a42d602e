;; A module whose start function never returns (src/engine/engine_test.cc: the instantiation deadline).
(module (func $start (loop $forever (br $forever))) (start $start))
