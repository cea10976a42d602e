// Replaces the served module while the runner runs: from a path or URL (capsule-http's POST /capsule/reload and POST
// /load-wasm-module, the message runners' admin port) or when the file changes (--watch). A candidate is compiled and
// test-started on the reloader's own thread and engine Context; only a module that starts is published, so a bad module
// never replaces a good one. Requests already running finish on the old module.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "serve/guest.h"
#include "serve/instance_metrics.h"
#include "serve/module_store.h"

namespace capsule::serve {

// The reload thread (and the --watch thread). The candidate's test start runs its _start and OnStart.
class Reloader {
 public:
  // Receives the outcome of one reload: ok and a message (the new version, or why the old one stays).
  using Done = std::function<void(bool ok, std::string message)>;

  // A candidate must export one of entries (see CompileModuleVersion); program names the runner in log lines.
  Reloader(std::shared_ptr<Engine> engine, ModuleStore& store, GuestSettings settings, CompileOptions compile,
           Entries entries, InstanceMetrics& metrics, std::string program);
  ~Reloader();

  // Queues a reload from source (an http(s):// URL or a path); done is called on the reloader thread.
  void Request(std::string source, Done done);
  // Polls path every interval and reloads it when its modification time or size changes.
  void Watch(std::string path, std::chrono::milliseconds interval);
  // Stops the reloader and watcher threads. Idempotent.
  void Stop();

 private:
  void Run();
  void Reload(Context& context, const std::string& source, const Done& done);

  std::shared_ptr<Engine> engine_;
  ModuleStore& store_;
  GuestSettings settings_;
  CompileOptions compile_;
  Entries entries_;
  InstanceMetrics& metrics_;
  std::string program_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<std::string, Done>> queue_;
  bool stopping_ = false;
  std::thread thread_, watcher_;
};

}  // namespace capsule::serve
