# capsule_add_guest(NAME name SOURCES src.c [FLAGS extra-clang-flags...])
# Builds a WebAssembly guest module from C with Debian's clang for wasm32-wasi, into ${CAPSULE_GUEST_DIR}/NAME.wasm.
# Every guest joins the `guests` target; tests depend on it.
find_program(CAPSULE_WASM_CC NAMES clang-14 clang REQUIRED)
set(CAPSULE_GUEST_DIR "${CMAKE_BINARY_DIR}/guests" CACHE INTERNAL "")
file(MAKE_DIRECTORY "${CAPSULE_GUEST_DIR}")
if(NOT TARGET guests)
  add_custom_target(guests ALL)
endif()

function(capsule_add_guest)
  cmake_parse_arguments(G "" "NAME" "SOURCES;FLAGS" ${ARGN})
  set(name ${G_NAME})
  set(out "${CAPSULE_GUEST_DIR}/${name}.wasm")
  set(srcs)
  foreach(s IN LISTS G_SOURCES)
    get_filename_component(abs "${s}" ABSOLUTE)
    list(APPEND srcs "${abs}")
  endforeach()
  # clang's depfile lists every header the source includes (SDK, shared test headers), so editing one rebuilds it.
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CAPSULE_WASM_CC} --target=wasm32-wasi -O2 -mbulk-memory -ftls-model=local-exec -Wall -Wextra
            -I "${PROJECT_SOURCE_DIR}/sdk/c/include" -MD -MF "${out}.d" -MT "${out}" ${G_FLAGS} ${srcs} -o "${out}"
    DEPENDS ${srcs}
    DEPFILE "${out}.d"
    COMMENT "Building guest ${name}.wasm"
    VERBATIM)
  add_custom_target(guest_${name} DEPENDS "${out}")
  add_dependencies(guests guest_${name})
endfunction()

# capsule_add_wat_guest(NAME name SOURCE src.wat [FLAGS wat2wasm flags...])
# Assembles a hand-written test module with wabt's wat2wasm into ${CAPSULE_GUEST_DIR}/NAME.wasm (joins `guests`).
find_program(CAPSULE_WAT2WASM wat2wasm)
function(capsule_add_wat_guest)
  cmake_parse_arguments(G "" "NAME;SOURCE" "FLAGS" ${ARGN})
  if(NOT CAPSULE_WAT2WASM)
    message(FATAL_ERROR "wat2wasm (wabt) not found: run scripts/setup.sh first")
  endif()
  set(out "${CAPSULE_GUEST_DIR}/${G_NAME}.wasm")
  get_filename_component(src "${G_SOURCE}" ABSOLUTE)
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CAPSULE_WAT2WASM} ${G_FLAGS} "${src}" -o "${out}"
    DEPENDS "${src}"
    COMMENT "Assembling guest ${G_NAME}.wasm"
    VERBATIM)
  add_custom_target(guest_${G_NAME} DEPENDS "${out}")
  add_dependencies(guests guest_${G_NAME})
endfunction()
