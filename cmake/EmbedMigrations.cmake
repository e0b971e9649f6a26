# slotwise_embed_migrations(<out_var> <namespace> <function>): embeds the SQL
# files of ${CMAKE_CURRENT_SOURCE_DIR}/migrations/*.sql (in file-name order)
# into a generated .cc defining `std::span<const projections::Migration>
# <namespace>::<function>()`, so binaries need no install path. Adding a
# file re-runs CMake (CONFIGURE_DEPENDS on the glob); editing one does too,
# because each file is a configure dependency of its directory (file(READ)
# alone adds none, and an incremental build kept the old SQL). <out_var> receives the
# generated file's path, to add to a library's sources.
function(slotwise_embed_migrations out_var namespace function)
  file(GLOB _files CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/migrations/*.sql)
  list(SORT _files)
  set(SLOTWISE_MIGRATION_ENTRIES "")
  foreach(_f ${_files})
    get_filename_component(_name ${_f} NAME)
    file(READ ${_f} _sql)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_f})
    string(APPEND SLOTWISE_MIGRATION_ENTRIES
           "    {\"${_name}\", R\"slotwise_sql(${_sql})slotwise_sql\"},\n")
  endforeach()
  set(SLOTWISE_MIGRATION_NAMESPACE ${namespace})
  set(SLOTWISE_MIGRATION_FUNCTION ${function})
  set(_out ${CMAKE_CURRENT_BINARY_DIR}/migrations_embedded.cc)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/migrations_embedded.cc.in ${_out} @ONLY)
  set(${out_var} ${_out} PARENT_SCOPE)
endfunction()
