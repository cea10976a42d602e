// The native reference of bench/messaging: a cnats responder doing the work of the bench_echo module (reply
// "echo:" and the payload), with one queue subscription, hence one delivery thread, per worker as capsule-nats has.
//   bench_nats_echo URL SUBJECT WORKERS      (runs until SIGINT or SIGTERM; prints "ready" once subscribed)
#include <nats/nats.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_request(natsConnection* nc, natsSubscription* sub, natsMsg* msg, void* closure) {
  (void)sub;
  (void)closure;
  const char* reply_to = natsMsg_GetReply(msg);
  if (reply_to) {
    const int len = natsMsg_GetDataLength(msg);
    char* reply = malloc((size_t)len + 5);
    if (reply) {
      memcpy(reply, "echo:", 5);
      memcpy(reply + 5, natsMsg_GetData(msg), (size_t)len);
      natsConnection_Publish(nc, reply_to, reply, len + 5);
      free(reply);
    }
  }
  natsMsg_Destroy(msg);
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s URL SUBJECT WORKERS\n", argv[0]);
    return 2;
  }
  const int workers = atoi(argv[3]);
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);

  natsConnection* nc = NULL;
  natsStatus s = natsConnection_ConnectTo(&nc, argv[1]);
  natsSubscription** subs = calloc((size_t)workers, sizeof *subs);
  for (int i = 0; s == NATS_OK && i < workers; ++i) {
    s = natsConnection_QueueSubscribe(&subs[i], nc, argv[2], "bench", on_request, NULL);
    if (s == NATS_OK) s = natsSubscription_SetPendingLimits(subs[i], -1, -1);
  }
  if (s == NATS_OK) s = natsConnection_FlushTimeout(nc, 5000);
  if (s != NATS_OK) {
    fprintf(stderr, "bench_nats_echo: %s\n", natsStatus_GetText(s));
    return 1;
  }
  printf("ready\n");
  fflush(stdout);
  int signal = 0;
  sigwait(&stop, &signal);
  for (int i = 0; i < workers; ++i) natsSubscription_Destroy(subs[i]);
  natsConnection_Destroy(nc);
  free(subs);
  nats_Close();
  return 0;
}
