#include "client/remote/remote_commands.h"

#include "client/remote/job_commands.h"
#include "client/remote/stream_command.h"
#include "client/remote/submit_command.h"

namespace vmm::client {

void AddRemoteCommands(CLI::App& app, CommandRegistry& registry) {
  AddSubmitCommand(app, registry);
  AddJobCommands(app, registry);
  AddStreamCommand(app, registry);
}

}  // namespace vmm::client
