#include "fetch/name_lookup.h"

#include <netdb.h>
#include <sys/socket.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

namespace capsule::fetch {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::atomic<int> pending_lookups{0};

// One getaddrinfo call, shared by the thread that makes it and the caller that may stop waiting for it.
struct Lookup {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::string failure;  // why it failed, empty on success
  std::vector<tcp::endpoint> endpoints;
};

void Run(const std::shared_ptr<Lookup>& lookup, const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* list = nullptr;
  const int status = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &list);
  std::string failure;
  if (status != 0) failure = status == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(status);
  std::vector<tcp::endpoint> endpoints;
  for (const addrinfo* a = list; status == 0 && a; a = a->ai_next) {
    tcp::endpoint e;
    if (a->ai_addrlen > e.capacity()) continue;
    std::memcpy(e.data(), a->ai_addr, a->ai_addrlen);
    e.resize(a->ai_addrlen);
    endpoints.push_back(e);
  }
  if (list) freeaddrinfo(list);
  if (status == 0 && endpoints.empty()) failure = "no TCP address";
  {
    std::lock_guard lock(lookup->mu);
    lookup->failure = std::move(failure);
    lookup->endpoints = std::move(endpoints);
    lookup->done = true;
  }
  lookup->cv.notify_all();
  pending_lookups.fetch_sub(1);
}

}  // namespace

Result<std::vector<tcp::endpoint>> LookUpHost(const std::string& host, int port,
                                              std::chrono::steady_clock::time_point until) {
  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(host, ec);
  if (!ec) return std::vector<tcp::endpoint>{tcp::endpoint(address, static_cast<uint16_t>(port))};
  if (pending_lookups.fetch_add(1) >= kMaxPendingLookups) {
    pending_lookups.fetch_sub(1);
    return Fail(ErrorCode::kResourceLimit, std::to_string(kMaxPendingLookups) + " name lookups are still pending");
  }
  auto lookup = std::make_shared<Lookup>();
  try {
    std::thread(Run, lookup, host, port).detach();
  } catch (const std::system_error&) {
    pending_lookups.fetch_sub(1);
    return Fail(ErrorCode::kResourceLimit, "no thread for the lookup");
  }
  std::unique_lock lock(lookup->mu);
  if (!lookup->cv.wait_until(lock, until, [&] { return lookup->done; }))
    return Fail(ErrorCode::kInterrupted, "timeout");
  if (!lookup->failure.empty()) return Fail(ErrorCode::kIo, lookup->failure);
  return std::move(lookup->endpoints);
}

}  // namespace capsule::fetch
