#include "serve/reloader.h"

#include <sys/stat.h>

#include <cstdio>

#include "capsule/loader.h"

namespace capsule::serve {

Reloader::Reloader(std::shared_ptr<Engine> engine, ModuleStore& store, GuestSettings settings, CompileOptions compile,
                   Entries entries, InstanceMetrics& metrics, std::string program)
    : engine_(std::move(engine)),
      store_(store),
      settings_(std::move(settings)),
      compile_(compile),
      entries_(entries),
      metrics_(metrics),
      program_(std::move(program)) {
  thread_ = std::thread([this] { Run(); });
}

Reloader::~Reloader() {
  Stop();
}

void Reloader::Request(std::string source, Done done) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    queue_.emplace_back(std::move(source), std::move(done));
  }
  cv_.notify_all();
}

void Reloader::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (watcher_.joinable()) watcher_.join();
}

void Reloader::Watch(std::string path, std::chrono::milliseconds interval) {
  watcher_ = std::thread([this, path = std::move(path), interval] {
    auto stamp = [&] {
      struct stat st {};
      if (::stat(path.c_str(), &st) != 0) return std::pair<int64_t, int64_t>{-1, -1};
      return std::pair<int64_t, int64_t>{st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec, st.st_size};
    };
    auto last = stamp();
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, interval, [&] { return stopping_; })) {
      auto now = stamp();
      if (now == last || now.first < 0) continue;
      last = now;
      queue_.emplace_back(path, [path, program = program_](bool ok, std::string message) {
        std::fprintf(stderr, "%s: --watch: %s: %s\n", program.c_str(), path.c_str(), message.c_str());
        (void)ok;
      });
      cv_.notify_all();
    }
  });
}

void Reloader::Run() {
  auto context = engine_->NewContext();
  while (true) {
    std::pair<std::string, Done> item;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) break;
      item = std::move(queue_.front());
      queue_.pop_front();
    }
    if (!context) {
      item.second(false, "reload unavailable: " + context.error().message);
      continue;
    }
    Reload(**context, item.first, item.second);
  }
  // Refuse what is still queued so that no caller waits forever.
  std::deque<std::pair<std::string, Done>> left;
  {
    std::lock_guard lock(mu_);
    left.swap(queue_);
  }
  for (auto& [source, done] : left) done(false, "the server is stopping");
}

void Reloader::Reload(Context& context, const std::string& source, const Done& done) {
  ModuleSource from;
  if (source.rfind("http://", 0) == 0 || source.rfind("https://", 0) == 0)
    from.url = source;
  else
    from.path = source;
  auto fail = [&](const std::string& why) {
    metrics_.RecordReload(false);
    done(false, "reload of " + source + " rejected, the current module keeps serving: " + why);
  };
  auto bytes = LoadModule(from);
  if (!bytes) return fail(bytes.error().message);
  auto version = CompileModuleVersion(*engine_, *bytes, compile_, source, entries_);
  if (!version) return fail(version.error().message);
  auto candidate = std::make_shared<const ModuleVersion>(*version);
  {
    // A test start on this thread: link errors and a failing _start are caught before any request sees them.
    auto guest = Guest::Create(context, candidate, settings_);
    if (!guest) return fail(guest.error().message);
  }
  auto published = store_.Publish(std::move(*version));
  metrics_.RecordReload(true);
  done(true, "reloaded " + source + " (module version " + std::to_string(published->number) + ")");
}

}  // namespace capsule::serve
