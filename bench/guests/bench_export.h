// Marks a function as exported by the wasm guest; plain external linkage when compiled natively.
#pragma once

#if defined(__wasm__)
#define BENCH_EXPORT(name) __attribute__((export_name(#name), visibility("default")))
#define BENCH_IMPORT(module, name) __attribute__((import_module(#module), import_name(#name)))
#else
#define BENCH_EXPORT(name)
#define BENCH_IMPORT(module, name)
#endif
