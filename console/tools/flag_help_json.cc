// Writes the help of `vmm`'s magnification flags (client/magnify_flags.h: --mode, --alpha,
// --filter, --fl, --fh, --fs, --order, --taps, --reference, --no-chroma-limit) and the text
// that explains alpha and the modes as JSON, so the console shows the CLI's own words beside
// each field without a second copy of them. Run at build time (console/CMakeLists.txt):
//   flag_help_json OUTPUT.json
#include <fstream>
#include <iostream>
#include <string>

#include "CLI/CLI.hpp"
#include "client/magnify_flags.h"
#include "nlohmann/json.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: flag_help_json OUTPUT.json\n";
    return 2;
  }
  CLI::App app{"vmm magnify"};
  vmm::client::MagnifyFlags flags;
  vmm::client::AddMagnifyFlags(&app, &flags);
  nlohmann::json out;
  out["footer"] = std::string(vmm::client::kMagnifyHelpFooter);
  out["flags"] = nlohmann::json::object();
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_lnames().empty()) continue;
    const std::string name = "--" + option->get_lnames().front();
    if (name == "--help") continue;
    out["flags"][name] = {{"help", option->get_description()},
                          {"default", option->get_default_str()}};
  }
  std::ofstream file(argv[1]);
  file << out.dump(2) << "\n";
  if (!file) {
    std::cerr << "flag_help_json: cannot write " << argv[1] << "\n";
    return 1;
  }
  return 0;
}
