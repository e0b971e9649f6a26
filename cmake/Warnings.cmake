# Warning and sanitizer flags shared by every SlotWise target.
# slotwise_target_defaults(<target>) applies them; generated protobuf code is
# compiled without -Werror because we do not own it.
add_library(slotwise_build_flags INTERFACE)
target_compile_options(slotwise_build_flags INTERFACE -Wall -Wextra)
if(SLOTWISE_WERROR)
  target_compile_options(slotwise_build_flags INTERFACE -Werror)
endif()

if(SLOTWISE_SANITIZE)
  set(_sw_san -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_compile_options(${_sw_san})
  add_link_options(${_sw_san})
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
