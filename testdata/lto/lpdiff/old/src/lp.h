#ifndef KSYM_LP_H
#define KSYM_LP_H
#define noinline __attribute__((__noinline__))
int a_entry(int x);
int b_entry(int x);
#endif
