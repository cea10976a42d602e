// main() of one runner's own executable: CAPSULE_ENTRY_POINT, set by runners/CMakeLists.txt, names its entry point.
#include "runners/common/entry_points.h"

int main(int argc, char** argv) {
  return capsule::runners::CAPSULE_ENTRY_POINT(argc, argv);
}
