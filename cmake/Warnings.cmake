# Warning and sanitizer flags shared by every SlotWise target.
# slotwise_target_defaults(<target>) applies them; generated protobuf code is
# compiled without -Werror because we do not own it.
add_library(slotwise_build_flags INTERFACE)
target_compile_options(slotwise_build_flags INTERFACE -Wall -Wextra)
if(SLOTWISE_WERROR)
  target_compile_options(slotwise_build_flags INTERFACE -Werror)
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  # Debian's RapidJSON 1.1 declares GenericMemberIterator's comparisons with a
  # non-const `this` and a const argument, so under C++20's reversed candidates
  # clang calls every `it != doc.MemberEnd()` ambiguous. The defect is in the
  # library's declarations, not at our call sites (g++ does not warn).
  target_compile_options(slotwise_build_flags INTERFACE -Wno-ambiguous-reversed-operator)
endif()

if(SLOTWISE_SANITIZE)
  set(_sw_san -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_compile_options(${_sw_san})
  add_link_options(${_sw_san})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # Third-party code clang's UBSan flags and g++'s does not check; each
    # entry's reason is in the file.
    add_compile_options(-fsanitize-ignorelist=${PROJECT_SOURCE_DIR}/ops/sanitizers/ignorelist.txt)
  endif()
  # Line tables are all a sanitizer report needs (function, file:line per
  # frame); full -g made each unit ~30 % slower to compile and the ~90 test
  # links slower still, and this build is most of CI's time.
  add_compile_options(-g1)
endif()

function(slotwise_target_defaults target)
  target_link_libraries(${target} PRIVATE slotwise_build_flags)
endfunction()

# For the processes and benchmarks (not the test programs): the allocator the
# shipped binaries run with (cmake/Dependencies.cmake, slotwise_allocator).
function(slotwise_executable_defaults target)
  slotwise_target_defaults(${target})
  target_link_libraries(${target} PRIVATE slotwise_allocator)
endfunction()
