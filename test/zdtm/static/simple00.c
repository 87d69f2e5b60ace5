/* simple00: the smallest test: a few values in data, bss and on the stack. */
#include "zdtmtst.h"
#include <string.h>

static int data_var = 0x12345678;
static char bss_buf[4096];

int main(int argc, char **argv)
{
	volatile long stack_var = 0x0badcafe;

	test_init(argc, argv);
	memset(bss_buf, 0x5a, sizeof(bss_buf));
	data_var ^= 0xffff;

	test_daemon();
	test_waitsig();

	CHECK(data_var == (0x12345678 ^ 0xffff), "data variable changed: %#x", data_var);
	CHECK(stack_var == 0x0badcafe, "stack variable changed: %#lx", (long)stack_var);
	for (size_t i = 0; i < sizeof(bss_buf); i++)
		CHECK(bss_buf[i] == 0x5a, "bss byte %zu changed: %#x", i, bss_buf[i]);
	pass();
}
