/* Writes the test's "model": 1 MiB where byte i is (i * 31 + 7) mod 256. */
#include <stdio.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: make_model OUT\n");
    return 2;
  }
  FILE* out = fopen(argv[1], "wb");
  if (!out)
    return 1;
  for (unsigned long i = 0; i < 1024UL * 1024UL; ++i)
    fputc((int)((i * 31 + 7) % 256), out);
  return fclose(out) == 0 ? 0 : 1;
}
