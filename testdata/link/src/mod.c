/* A module's shapes of data: with LTO each lands in its own .data.X/.bss.X/.rodata.X. */
int mod_counter;
static int mod_flags[16];
int mod_value = 42;
static const char mod_name[] = "fixture";
const int mod_table[4] = { 1, 2, 3, 4 };
int mod_percpu __attribute__((__section__(".data..percpu"))) = 1;
int mod_get(int i) { return mod_flags[i & 15] + mod_counter + mod_value + mod_name[i & 3] + mod_table[i & 3]; }
void mod_set(int i) { mod_flags[i & 15] = i; mod_counter++; }
