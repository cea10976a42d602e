;; A module whose start function traps (src/engine/trap_test.cc).
(module (func $start unreachable) (start $start))
