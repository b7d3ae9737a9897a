// `vmm analyze INPUT`: the motion of a video in numbers, on this machine. For the whole frame and
// each region given (--roi NAME=x,y,w,h): the displacement over time in pixels (and millimetres
// with --scale), its spectrum at the capture rate (--fs), the strongest peaks, and for each peak
// a pass band and the `vmm magnify` command that magnifies it. A summary on the terminal, all
// of it with --json, waveforms and spectra as CSV with --csv DIR and as SVG charts with
// --plot DIR.
#pragma once

#include <CLI/CLI.hpp>

#include "client/command_registry.h"

namespace vmm::client {

// Adds the `analyze` subcommand to `app`.
void AddAnalyzeCommand(CLI::App& app, CommandRegistry& registry);

}  // namespace vmm::client
