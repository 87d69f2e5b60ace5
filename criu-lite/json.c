#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"

/* ---- a tiny JSON emitter ------------------------------------------------ */

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	bool has_items[JSON_MAX_DEPTH];
};

struct json *json_new(FILE *f)
{
	struct json *j = xzalloc(sizeof(*j));

	j->f = f;
	return j;
}

void json_free(struct json *j)
{
	free(j);
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid:
 * overlong forms, surrogates and code points above U+10FFFF are invalid. */
size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0], cp, min;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/*
 * JSON text must be UTF-8, but paths and command lines are any bytes.  A byte
 * that is not part of valid UTF-8 comes out as the code point of the same
 * value (\u00XX), so that nothing is dropped and the output always parses.
 */
static void json_escape(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str);

	fputc('"', f);
	while (n) {
		size_t len = utf8_seq(s, n);
		unsigned c = *s;

		if (!len) {
			fprintf(f, "\\u%04x", c);
			len = 1;
		} else if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
		} else if (c == '\n') {
			fputs("\\n", f);
		} else if (c == '\t') {
			fputs("\\t", f);
		} else if (c == '\r') {
			fputs("\\r", f);
		} else if (c == '\b') {
			fputs("\\b", f);
		} else if (c == '\f') {
			fputs("\\f", f);
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
		} else {
			fwrite(s, 1, len, f);
		}
		s += len;
		n -= len;
	}
	fputc('"', f);
}

/* Start a member (in an object: key given) or an element (key NULL). */
static void json_item(struct json *j, const char *key)
{
	if (j->has_items[j->depth])
		fputc(',', j->f);
	j->has_items[j->depth] = true;
	if (j->depth)
		fprintf(j->f, "\n%*s", 2 * j->depth, "");
	if (key) {
		json_escape(j->f, key);
		fputs(": ", j->f);
	}
}

static void json_open(struct json *j, const char *key, char c)
{
	json_item(j, key);
	fputc(c, j->f);
	/* Deeper nesting than this file ever writes would only lose commas. */
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->has_items[j->depth] = false;
}

static void json_close(struct json *j, char c)
{
	bool had = j->has_items[j->depth];

	if (j->depth)
		j->depth--;
	if (had)
		fprintf(j->f, "\n%*s", 2 * j->depth, "");
	fputc(c, j->f);
	if (!j->depth)
		fputc('\n', j->f);
}

void json_obj(struct json *j, const char *key) { json_open(j, key, '{'); }
void json_arr(struct json *j, const char *key) { json_open(j, key, '['); }
void json_end_obj(struct json *j) { json_close(j, '}'); }
void json_end_arr(struct json *j) { json_close(j, ']'); }

void json_str(struct json *j, const char *key, const char *s)
{
	json_item(j, key);
	if (s)
		json_escape(j->f, s);
	else
		fputs("null", j->f);
}

void json_int(struct json *j, const char *key, long long v)
{
	json_item(j, key);
	fprintf(j->f, "%lld", v);
}

void json_uint(struct json *j, const char *key, unsigned long long v)
{
	json_item(j, key);
	fprintf(j->f, "%llu", v);
}

/* Addresses and masks: as "0x..." strings, which is how people read them and
 * which keeps 64-bit values whole in parsers that use doubles. */
void json_hex(struct json *j, const char *key, unsigned long long v)
{
	json_item(j, key);
	fprintf(j->f, "\"0x%llx\"", v);
}

void json_double(struct json *j, const char *key, double v)
{
	json_item(j, key);
	fprintf(j->f, "%.3f", v);
}

void json_bool(struct json *j, const char *key, bool v)
{
	json_item(j, key);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	json_item(j, key);
	fputs("null", j->f);
}

