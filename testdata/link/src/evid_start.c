int a_entry(int), b_entry(int);
extern int table7 __asm__("table.7");
int sink;
void _start(void) { sink = a_entry(1) + b_entry(2) + table7; for (;;) ; }
