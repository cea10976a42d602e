// The entry point of each runner: its own executable calls one (common/program_main.cc); capsule-box, the
// multi-call executable of the container images, holds them all. Each takes main()'s arguments and returns the
// process's exit code.
#pragma once

namespace capsule::runners {

int CapsuleMain(int argc, char** argv);      ///< `capsule` (runners/capsule)
int CapsuleHttpMain(int argc, char** argv);  ///< `capsule-http` (runners/http)
int CapsuleNatsMain(int argc, char** argv);  ///< `capsule-nats` (runners/nats)
int CapsuleMqttMain(int argc, char** argv);  ///< `capsule-mqtt` (runners/mqtt)
int CapsctlMain(int argc, char** argv);      ///< `capsctl` (runners/capsctl)

}  // namespace capsule::runners
