// The `slotwise` command line (docs/cli.md): the global options and every
// subcommand's options, flags, defaults, validators and help text, wired
// with CLI11 into the commands' options structs and run functions
// (tools/*_command.h). The only unit of the tool that includes CLI11: its
// header alone costs a unit ~16 CPU-s of clang-tidy (ADR 0017), so the
// commands' logic stays free of it.
//
// Thread safety: call once, on the main thread; the commands run on it.
// Errors: returns the exit code of docs/cli.md. Bad arguments give 2 after
// CLI11 has printed the problem (--help gives 0); an exception escaping a
// command is printed as "unexpected error: ..." and gives 1, as does output
// that could not be written when the command succeeded.
#pragma once

namespace slotwise::tools {

// Parses argv (global options, then one subcommand's) and runs the
// subcommand; its exit code.
[[nodiscard]] int run_command_line(int argc, char** argv);

}  // namespace slotwise::tools
