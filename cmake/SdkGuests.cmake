# Guests written with the Rust and AssemblyScript SDKs (sdk/rust, sdk/assemblyscript), built into
# ${CAPSULE_GUEST_DIR} like capsule_add_guest's. Every toolchain comes from scripts/setup.sh; a missing one stops the
# configure step (the tests of the SDKs would otherwise not run).
#
# capsule_add_rust_guests(NAME target MANIFEST Cargo.toml [EXAMPLES names...] [BINS names...] [PREFIX prefix]
#                         [DEPENDS files...])
#   One offline cargo build (Debian's cargo and rustc, target wasm32-wasi, release) of the crate's examples and
#   binaries; each NAME.wasm is copied to ${CAPSULE_GUEST_DIR}/PREFIX+NAME.wasm.
# capsule_add_as_guest(NAME name SOURCE file.ts)
#   Compiles an AssemblyScript module with sdk/assemblyscript's pinned asc and asconfig.json into
#   ${CAPSULE_GUEST_DIR}/NAME.wasm.

# Debian's toolchain only: a rustup rustc earlier on PATH (another version, another std) must not be picked.
find_program(CAPSULE_CARGO cargo PATHS /usr/bin NO_DEFAULT_PATH)
find_program(CAPSULE_RUSTC rustc PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT CAPSULE_CARGO OR NOT CAPSULE_RUSTC)
  message(FATAL_ERROR "Debian's cargo and rustc (/usr/bin) are needed for the Rust SDK's guests: run scripts/setup.sh")
endif()
execute_process(COMMAND ${CAPSULE_RUSTC} --print sysroot OUTPUT_VARIABLE _sysroot OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT IS_DIRECTORY "${_sysroot}/lib/rustlib/wasm32-wasi/lib")
  message(FATAL_ERROR "Rust's standard library for wasm32-wasi (libstd-rust-dev-wasm32) is missing from ${_sysroot}: "
                      "run scripts/setup.sh")
endif()

set(CAPSULE_AS_DIR "${PROJECT_SOURCE_DIR}/sdk/assemblyscript" CACHE INTERNAL "")
find_program(CAPSULE_NODE node)
file(READ "${CAPSULE_AS_DIR}/package.json" _package)
string(JSON _pinned GET "${_package}" devDependencies assemblyscript)
set(_installed "")
if(EXISTS "${CAPSULE_AS_DIR}/node_modules/assemblyscript/package.json")
  file(READ "${CAPSULE_AS_DIR}/node_modules/assemblyscript/package.json" _package)
  string(JSON _installed GET "${_package}" version)
endif()
if(NOT CAPSULE_NODE OR NOT _installed STREQUAL _pinned)
  message(FATAL_ERROR "AssemblyScript ${_pinned} (node, and sdk/assemblyscript/node_modules from its package-lock.json) "
                      "is needed for the AssemblyScript SDK's guests: run scripts/setup.sh")
endif()
set(CAPSULE_ASC "${CAPSULE_AS_DIR}/node_modules/assemblyscript/bin/asc.js" CACHE INTERNAL "")
file(GLOB_RECURSE CAPSULE_AS_SDK_SOURCES CONFIGURE_DEPENDS "${CAPSULE_AS_DIR}/assembly/*.ts")
file(GLOB_RECURSE CAPSULE_RUST_SDK_SOURCES CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/sdk/rust/src/*.rs")
list(APPEND CAPSULE_RUST_SDK_SOURCES "${PROJECT_SOURCE_DIR}/sdk/rust/Cargo.toml")

function(capsule_add_rust_guests)
  cmake_parse_arguments(G "" "NAME;MANIFEST;PREFIX" "EXAMPLES;BINS;DEPENDS" ${ARGN})
  get_filename_component(manifest "${G_MANIFEST}" ABSOLUTE)
  get_filename_component(crate "${manifest}" DIRECTORY)
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS "${crate}/src/*.rs" "${crate}/examples/*.rs")
  set(target_dir "${CMAKE_BINARY_DIR}/cargo")
  set(args)
  set(outputs)
  set(copies)
  foreach(kind IN ITEMS EXAMPLES BINS)
    foreach(n IN LISTS G_${kind})
      if(kind STREQUAL "EXAMPLES")
        list(APPEND args --example ${n})
        set(built "${target_dir}/wasm32-wasi/release/examples/${n}.wasm")
      else()
        list(APPEND args --bin ${n})
        set(built "${target_dir}/wasm32-wasi/release/${n}.wasm")
      endif()
      set(out "${CAPSULE_GUEST_DIR}/${G_PREFIX}${n}.wasm")
      list(APPEND outputs "${out}")
      list(APPEND copies COMMAND ${CMAKE_COMMAND} -E copy "${built}" "${out}")
    endforeach()
  endforeach()
  # Offline, locked, with a cargo home inside the build dir: no registry, no user configuration. Bulk memory makes the
  # crates' memcpy/memset one memory.copy/memory.fill (Rust 1.63 does not enable it by default; sdk/rust/README.md).
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND ${CMAKE_COMMAND} -E env --unset=RUSTUP_TOOLCHAIN "RUSTFLAGS=-C target-feature=+bulk-memory"
            --unset=RUSTC_WRAPPER --unset=CARGO_BUILD_TARGET "RUSTC=${CAPSULE_RUSTC}"
            "CARGO_HOME=${CMAKE_BINARY_DIR}/cargo-home"
            "CARGO_TARGET_DIR=${target_dir}"
            ${CAPSULE_CARGO} build --quiet --offline --locked --release --target wasm32-wasi
            --manifest-path "${manifest}" ${args}
    ${copies}
    DEPENDS ${srcs} "${manifest}" "${crate}/Cargo.lock" ${G_DEPENDS}
    COMMENT "Building Rust guests ${G_NAME} (cargo, wasm32-wasi)"
    VERBATIM)
  add_custom_target(guest_${G_NAME} DEPENDS ${outputs})
  add_dependencies(guests guest_${G_NAME})
endfunction()

function(capsule_add_as_guest)
  cmake_parse_arguments(G "" "NAME;SOURCE" "" ${ARGN})
  get_filename_component(src "${G_SOURCE}" ABSOLUTE)
  set(out "${CAPSULE_GUEST_DIR}/${G_NAME}.wasm")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CAPSULE_NODE} "${CAPSULE_ASC}" "${src}" --config "${CAPSULE_AS_DIR}/asconfig.json" -o "${out}"
    WORKING_DIRECTORY "${CAPSULE_AS_DIR}"
    DEPENDS "${src}" ${CAPSULE_AS_SDK_SOURCES} "${CAPSULE_AS_DIR}/asconfig.json" "${CAPSULE_AS_DIR}/package-lock.json"
    COMMENT "Building AssemblyScript guest ${G_NAME}.wasm"
    VERBATIM)
  add_custom_target(guest_${G_NAME} DEPENDS "${out}")
  add_dependencies(guests guest_${G_NAME})
endfunction()
