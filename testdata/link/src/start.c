/* A freestanding entry point so the fixtures link into an image. */
void _start(void) { for (;;) ; }
