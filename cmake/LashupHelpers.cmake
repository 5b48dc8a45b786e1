# Helper functions shared by every directory: warning flags, sanitizers, and registration of
# libraries, tests and benchmarks so each CMakeLists.txt stays a list of what it builds.

function(lashup_set_global_flags)
  add_compile_options(-Wall -Wextra -Wpedantic -Wno-unused-parameter)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 reports false -Wrestrict positives inside std::string concatenation (GCC PR105651).
    add_compile_options(-Wno-restrict)
  endif()
  if(LASHUP_WERROR)
    add_compile_options(-Werror)
  endif()
  if(LASHUP_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                        -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
  endif()
  if(LASHUP_FUZZ_INSTRUMENT)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
      message(FATAL_ERROR "LASHUP_FUZZ_INSTRUMENT needs clang")
    endif()
    # Coverage for the libraries under test too, not only the fuzz entry point.
    add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
  endif()
  if(LASHUP_TSAN)
    add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      # Asio's handler completion uses std::atomic_thread_fence, which GCC warns TSan does not
      # model; its scheduler's mutexes already order the handlers TSan checks.
      add_compile_options(-Wno-tsan)
    endif()
    add_link_options(-fsanitize=thread)
  endif()
endfunction()

# lashup_test(NAME SOURCES... [LIBS libs...]): a GoogleTest binary registered with ctest.
function(lashup_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 300)
endfunction()

# lashup_bench(NAME SOURCES... [LIBS libs...]): a Google Benchmark program (not run by ctest).
function(lashup_bench name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} benchmark::benchmark benchmark::benchmark_main)
endfunction()

# lashup_fuzz_target(NAME SOURCES... [LIBS libs...] REPLAY_INPUTS N LIBFUZZER_VAR VAR
#                    [LIBFUZZER_ARGS args...]): a fuzz target built one of two ways. With
# LASHUP_FUZZ_INSTRUMENT (clang) it links libFuzzer and every library is instrumented; otherwise
# it links src/wire's replay driver, so it still builds and can run a corpus, and ctest runs N
# pseudo-random inputs through it (NAME_replay). The cache variable VAR may name a libFuzzer
# build of the target (scripts/test.sh makes one); ctest then runs it for a bounded number of
# inputs with LIBFUZZER_ARGS (BASE_libfuzzer, BASE being NAME without its "_fuzz").
function(lashup_fuzz_target name)
  cmake_parse_arguments(ARG "" "REPLAY_INPUTS;LIBFUZZER_VAR" "SOURCES;LIBS;LIBFUZZER_ARGS" ${ARGN})
  if(NOT LASHUP_BUILD_FUZZERS)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS})
  if(LASHUP_FUZZ_INSTRUMENT)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  else()
    # The driver makes its pseudo-random inputs as wire frames, hence lashup_wire.
    target_sources(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src/wire/fuzz_replay_main.cc)
    target_link_libraries(${name} PRIVATE lashup_wire)
  endif()
  if(NOT LASHUP_BUILD_TESTS)
    return()
  endif()
  if(NOT LASHUP_FUZZ_INSTRUMENT)
    add_test(NAME ${name}_replay COMMAND ${name} --random ${ARG_REPLAY_INPUTS} 1)
  endif()
  set(${ARG_LIBFUZZER_VAR} "" CACHE FILEPATH "A libFuzzer build of ${name} to run")
  if(${ARG_LIBFUZZER_VAR})
    string(REGEX REPLACE "_fuzz$" "" base ${name})
    add_test(NAME ${base}_libfuzzer COMMAND ${${ARG_LIBFUZZER_VAR}} ${ARG_LIBFUZZER_ARGS})
  endif()
endfunction()
