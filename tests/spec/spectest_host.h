// The `spectest` module every spec script may import: what the reference interpreter's host provides.
#pragma once

#include "capsule/engine.h"

namespace capsule::spec {

// Defines spectest in linker, with objects made in context: the functions print, print_i32, print_i64,
// print_f32, print_f64, print_i32_f32 and print_f64_f64 (they print nothing), the immutable globals global_i32 and
// global_i64 (666) and global_f32 and global_f64 (666.6), table (10..20 funcref) and memory (1..2 pages).
Status DefineSpectest(Context& context, Linker& linker);

}  // namespace capsule::spec
