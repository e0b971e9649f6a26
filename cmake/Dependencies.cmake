# Every third-party dependency comes from a Debian package (see ops/install-deps
# and docs/adr/0004-dependency-choices.md). Nothing is vendored or downloaded.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)              # libprotobuf-dev + protobuf-compiler
find_package(OpenSSL REQUIRED)               # SHA-256 for the audit hash chain
find_package(RapidJSON CONFIG REQUIRED)      # rapidjson-dev
find_package(CLI11 CONFIG REQUIRED)          # libcli11-dev
find_package(date CONFIG REQUIRED)           # libhowardhinnant-date-dev (date::date-tz)
find_package(doctest CONFIG REQUIRED)        # doctest-dev
find_package(Boost REQUIRED COMPONENTS system)
# libnats-dev (nats.c 3.4): its CMake config references a static library the
# Debian package does not ship, so pkg-config is used instead.
pkg_check_modules(NATS REQUIRED IMPORTED_TARGET libnats)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET zlib)  # zlib1g-dev: gzip export files (CLI)
# libcurl4-openssl-dev: Stripe's REST API from the command side.
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)

# RapidJSON's Debian config only sets RAPIDJSON_INCLUDE_DIRS; wrap it in a target.
add_library(slotwise_rapidjson INTERFACE)
target_include_directories(slotwise_rapidjson SYSTEM INTERFACE ${RAPIDJSON_INCLUDE_DIRS})
# Full-precision, exception-free parsing everywhere.
target_compile_definitions(slotwise_rapidjson INTERFACE RAPIDJSON_HAS_STDSTRING=1)

# gperftools' tcmalloc (libgoogle-perftools-dev) for the long-running processes
# and benchmarks: glibc malloc's arena locks and cross-thread frees (the
# publishing thread allocates, nats.c's ack thread frees) cost the pipelined
# append ~30 % of its rate (docs/adr/0011-allocator.md). Off under the
# sanitizers, which bring their own allocator.
option(SLOTWISE_TCMALLOC "Link executables against tcmalloc_minimal" ON)
add_library(slotwise_allocator INTERFACE)
if(SLOTWISE_TCMALLOC AND NOT SLOTWISE_SANITIZE)
  pkg_check_modules(TCMALLOC REQUIRED IMPORTED_TARGET libtcmalloc_minimal)
  # GCC may otherwise assume glibc semantics for these builtins.
  target_compile_options(slotwise_allocator INTERFACE -fno-builtin-malloc -fno-builtin-calloc
                                                      -fno-builtin-realloc -fno-builtin-free)
  target_link_libraries(slotwise_allocator INTERFACE PkgConfig::TCMALLOC)
endif()
