// Reference for the CLI cold start: a program that does nothing but is linked against libnode, i.e. the cost of
// loading and relocating V8 that every V8-backed runner pays before main.
int main(void) {
  return 0;
}
