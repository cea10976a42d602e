// The load of bench/messaging's MQTT benchmark: publishes COUNT messages to TOPIC at QOS as fast as the broker takes
// them (at most 1,000 not yet sent or acknowledged at a time), MQTT 5.
//   bench_mqtt_publisher PORT TOPIC QOS COUNT [PAYLOAD=hello]      (broker on 127.0.0.1)
// Prints one line: published=N seconds=S rate=R
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long completed = 0;
static int connected = 0;

static void on_connect(struct mosquitto* m, void* obj, int rc) {
  (void)m;
  (void)obj;
  pthread_mutex_lock(&mu);
  connected = rc == 0 ? 1 : -1;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
}

static void on_publish(struct mosquitto* m, void* obj, int mid) {
  (void)m;
  (void)obj;
  (void)mid;
  pthread_mutex_lock(&mu);
  ++completed;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s PORT TOPIC QOS COUNT [PAYLOAD]\n", argv[0]);
    return 2;
  }
  const int port = atoi(argv[1]), qos = atoi(argv[3]);
  const char* topic = argv[2];
  const long count = atol(argv[4]);
  const char* payload = argc > 5 ? argv[5] : "hello";
  mosquitto_lib_init();
  struct mosquitto* m = mosquitto_new(NULL, true, NULL);
  mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
  mosquitto_connect_callback_set(m, on_connect);
  mosquitto_publish_callback_set(m, on_publish);
  if (mosquitto_connect(m, "127.0.0.1", port, 60) != MOSQ_ERR_SUCCESS || mosquitto_loop_start(m) != MOSQ_ERR_SUCCESS) {
    fprintf(stderr, "bench_mqtt_publisher: cannot connect to 127.0.0.1:%d\n", port);
    return 1;
  }
  pthread_mutex_lock(&mu);
  while (connected == 0) pthread_cond_wait(&cv, &mu);
  pthread_mutex_unlock(&mu);
  if (connected < 0) {
    fprintf(stderr, "bench_mqtt_publisher: the broker refused the connection\n");
    return 1;
  }
  const double start = now();
  for (long i = 0; i < count; ++i) {
    pthread_mutex_lock(&mu);
    while (i - completed >= 1000) pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    if (mosquitto_publish(m, NULL, topic, (int)strlen(payload), payload, qos, false) != MOSQ_ERR_SUCCESS) {
      fprintf(stderr, "bench_mqtt_publisher: publish failed\n");
      return 1;
    }
  }
  pthread_mutex_lock(&mu);
  while (completed < count) pthread_cond_wait(&cv, &mu);
  pthread_mutex_unlock(&mu);
  const double elapsed = now() - start;
  printf("published=%ld seconds=%.2f rate=%.0f\n", count, elapsed, (double)count / elapsed);
  mosquitto_disconnect(m);
  mosquitto_loop_stop(m, false);
  mosquitto_destroy(m);
  mosquitto_lib_cleanup();
  return 0;
}
