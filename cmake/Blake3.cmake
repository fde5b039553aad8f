# BLAKE3 for Xet hashing (issue 13). Debian 12 has no libblake3, but
# librust-blake3-dev ships the official C implementation as sources: compile
# them in place, so that no third-party code is committed here.
file(GLOB BLAKE3_C_CANDIDATES LIST_DIRECTORIES true /usr/share/cargo/registry/blake3-*/c)
if(BLAKE3_C_CANDIDATES)
  # Several versions can sit side by side: take the newest.
  list(SORT BLAKE3_C_CANDIDATES COMPARE NATURAL ORDER DESCENDING)
  list(GET BLAKE3_C_CANDIDATES 0 BLAKE3_C_DIR)
endif()
if(NOT BLAKE3_C_DIR OR NOT EXISTS "${BLAKE3_C_DIR}/blake3.h")
  message(FATAL_ERROR "BLAKE3's C sources not found: install librust-blake3-dev (tools/dev deps)")
endif()

enable_language(C)
add_library(blake3 STATIC
  "${BLAKE3_C_DIR}/blake3.c"
  "${BLAKE3_C_DIR}/blake3_dispatch.c"
  "${BLAKE3_C_DIR}/blake3_portable.c")
# Their headers are system headers to us: our warnings-as-errors stay ours.
target_include_directories(blake3 SYSTEM PUBLIC "${BLAKE3_C_DIR}")
set_target_properties(blake3 PROPERTIES POSITION_INDEPENDENT_CODE ON C_STANDARD 99)

# On x86-64 the SIMD variants matter: every chunk of a Xet download is hashed.
# Each is compiled with its own instruction set; blake3_dispatch.c picks one at
# run time from cpuid, so the binary still runs on a CPU without AVX.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64)$")
  function(blake3_simd variant)
    set(file "${BLAKE3_C_DIR}/blake3_${variant}.c")
    target_sources(blake3 PRIVATE "${file}")
    set_source_files_properties("${file}" PROPERTIES COMPILE_OPTIONS "${ARGN}")
  endfunction()
  blake3_simd(sse2 -msse2)
  blake3_simd(sse41 -msse4.1)
  blake3_simd(avx2 -mavx2)
  blake3_simd(avx512 -mavx512f -mavx512vl)
else()
  target_compile_definitions(blake3 PRIVATE
    BLAKE3_NO_SSE2 BLAKE3_NO_SSE41 BLAKE3_NO_AVX2 BLAKE3_NO_AVX512 BLAKE3_USE_NEON=0)
endif()
