// The load of bench/messaging's NATS benchmark: CONNECTIONS connections with INFLIGHT requests outstanding on each
// (a reply triggers the next request of its slot), for one warm-up second and then SECONDS measured seconds.
//   bench_nats_requester URL SUBJECT SECONDS [CONNECTIONS=2] [INFLIGHT=16] [PAYLOAD=hello]
// Prints one line: requests=N seconds=S rps=R p50_us=X p99_us=Y lost=L reply=<one reply's payload>
#include <nats/nats.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { kWarmUp, kMeasure, kStop };
static atomic_int phase = kWarmUp;
static atomic_ullong measured = 0;
static const char* subject;
static const char* payload;
static int payload_len;

// One connection and its request slots; its subscription's thread is the only one touching it until the end.
typedef struct {
  natsConnection* nc;
  natsSubscription* sub;
  int slots;
  int64_t* sent_ns;
  char** inbox;
  uint32_t* latency_us;
  size_t count, capacity;
  atomic_int outstanding;
  char reply[128];
} Requester;

static void record(Requester* r, int64_t ns) {
  if (r->count == r->capacity) {
    r->capacity = r->capacity ? 2 * r->capacity : 1 << 16;
    r->latency_us = realloc(r->latency_us, r->capacity * sizeof *r->latency_us);
  }
  r->latency_us[r->count++] = (uint32_t)(ns / 1000);
}

static void on_reply(natsConnection* nc, natsSubscription* sub, natsMsg* msg, void* closure) {
  (void)sub;
  Requester* r = closure;
  const int slot = atoi(strrchr(natsMsg_GetSubject(msg), '.') + 1);
  const int64_t now = nats_NowInNanoSeconds();
  if (!r->reply[0]) snprintf(r->reply, sizeof r->reply, "%.*s", natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
  natsMsg_Destroy(msg);
  const int p = atomic_load(&phase);
  if (p == kMeasure) {
    record(r, now - r->sent_ns[slot]);
    atomic_fetch_add(&measured, 1);
  }
  if (p == kStop) {
    atomic_fetch_sub(&r->outstanding, 1);
    return;
  }
  r->sent_ns[slot] = now;
  natsConnection_PublishRequest(nc, subject, r->inbox[slot], payload, payload_len);
}

static int compare(const void* a, const void* b) {
  const uint32_t x = *(const uint32_t*)a, y = *(const uint32_t*)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s URL SUBJECT SECONDS [CONNECTIONS] [INFLIGHT] [PAYLOAD]\n", argv[0]);
    return 2;
  }
  subject = argv[2];
  const double seconds = atof(argv[3]);
  const int connections = argc > 4 ? atoi(argv[4]) : 2;
  const int inflight = argc > 5 ? atoi(argv[5]) : 16;
  payload = argc > 6 ? argv[6] : "hello";
  payload_len = (int)strlen(payload);

  Requester* rs = calloc((size_t)connections, sizeof *rs);
  for (int c = 0; c < connections; ++c) {
    Requester* r = &rs[c];
    r->slots = inflight;
    r->sent_ns = calloc((size_t)inflight, sizeof *r->sent_ns);
    r->inbox = calloc((size_t)inflight, sizeof *r->inbox);
    char filter[96];
    snprintf(filter, sizeof filter, "_INBOX.bench.%d.%d.*", (int)getpid(), c);
    natsOptions* opts = NULL;
    natsStatus s = natsOptions_Create(&opts);
    if (s == NATS_OK) s = natsOptions_SetURL(opts, argv[1]);
    if (s == NATS_OK) s = natsOptions_SetSendAsap(opts, true);  // no wait for the flusher thread
    if (s == NATS_OK) s = natsConnection_Connect(&r->nc, opts);
    natsOptions_Destroy(opts);
    if (s == NATS_OK) s = natsConnection_Subscribe(&r->sub, r->nc, filter, on_reply, r);
    if (s == NATS_OK) s = natsSubscription_SetPendingLimits(r->sub, -1, -1);
    if (s == NATS_OK) s = natsConnection_FlushTimeout(r->nc, 5000);
    if (s != NATS_OK) {
      fprintf(stderr, "bench_nats_requester: %s\n", natsStatus_GetText(s));
      return 1;
    }
    for (int i = 0; i < inflight; ++i) {
      r->inbox[i] = malloc(112);
      snprintf(r->inbox[i], 112, "_INBOX.bench.%d.%d.%d", (int)getpid(), c, i);
    }
  }
  for (int c = 0; c < connections; ++c) {
    Requester* r = &rs[c];
    atomic_store(&r->outstanding, inflight);
    for (int i = 0; i < inflight; ++i) {
      r->sent_ns[i] = nats_NowInNanoSeconds();
      natsConnection_PublishRequest(r->nc, subject, r->inbox[i], payload, payload_len);
    }
  }
  nats_Sleep(1000);
  const int64_t start = nats_NowInNanoSeconds();
  atomic_store(&phase, kMeasure);
  nats_Sleep((int64_t)(seconds * 1000));
  atomic_store(&phase, kStop);
  const int64_t end = nats_NowInNanoSeconds();
  const unsigned long long requests = atomic_load(&measured);

  // Wait (at most 2 s) for the replies still due, so that no callback runs while the results are read.
  int lost = 0;
  for (int c = 0; c < connections; ++c) {
    for (int t = 0; t < 200 && atomic_load(&rs[c].outstanding) > 0; ++t) nats_Sleep(10);
    lost += atomic_load(&rs[c].outstanding);
    natsSubscription_Unsubscribe(rs[c].sub);
  }
  size_t total = 0;
  for (int c = 0; c < connections; ++c) total += rs[c].count;
  uint32_t* all = malloc((total ? total : 1) * sizeof *all);
  size_t n = 0;
  for (int c = 0; c < connections; ++c) {
    memcpy(all + n, rs[c].latency_us, rs[c].count * sizeof *all);
    n += rs[c].count;
  }
  qsort(all, total, sizeof *all, compare);
  const double elapsed = (double)(end - start) / 1e9;
  printf("requests=%llu seconds=%.2f rps=%.0f p50_us=%u p99_us=%u lost=%d reply=%s\n", requests, elapsed,
         (double)requests / elapsed, total ? all[total / 2] : 0, total ? all[total * 99 / 100] : 0, lost, rs[0].reply);
  for (int c = 0; c < connections; ++c) {
    natsSubscription_Destroy(rs[c].sub);
    natsConnection_Destroy(rs[c].nc);
  }
  nats_Close();
  return 0;
}
