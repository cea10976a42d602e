// A module using the capsule-greet runner's own host function, hostGreet, declared like the SDK's wrappers.
#include <capsule.h>

CAPSULE_IMPORT("hostGreet") int32_t host_greet(const char* name, uint32_t len, char** ret_ptr, uint32_t* ret_len);

static capsule_result handle(const char* params, uint32_t len) {
  char* ptr = NULL;
  uint32_t ret_len = 0;
  host_greet(params, len, &ptr, &ret_len);
  capsule_reply reply = capsule__adopt_reply(ptr, ret_len);  // S/F answer -> ok + payload
  capsule_result result =
      reply.ok ? capsule_success(reply.data.data, reply.data.len) : capsule_failure(reply.data.data, reply.data.len);
  capsule_buf_free(&reply.data);
  return result;
}

int main(void) {
  capsule_set_handle(handle);
  return 0;
}
