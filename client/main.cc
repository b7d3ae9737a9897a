// vmm: the command line of the motion magnification service. `vmm magnify` runs the engine on
// this machine; the other subcommands talk to a vmm-server.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "client/analyze_command.h"
#include "client/command_registry.h"
#include "client/exit_codes.h"
#include "client/magnify_command.h"
#include "client/slice_command.h"
#include "client/remote/remote_commands.h"

int main(int argc, char** argv) {
  CLI::App app{"vmm: learned video motion magnification (Oh et al., ECCV 2018)"};
  app.require_subcommand(1);
  vmm::client::CommandRegistry registry;
  vmm::client::AddMagnifyCommand(app, registry);
  vmm::client::AddAnalyzeCommand(app, registry);
  vmm::client::AddSliceCommand(app, registry);
  vmm::client::AddRemoteCommands(app, registry);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? vmm::client::kExitSuccess : vmm::client::kExitUsage;
  }
  const int code = registry.RunParsed();
  return code < 0 ? vmm::client::kExitUsage : code;
}
