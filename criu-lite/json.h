/*
 * A tiny JSON emitter for show and check: keys are NULL inside arrays;
 * strings are escaped so that the output always parses (bytes that are not
 * UTF-8 come out as \u00XX).
 */
#ifndef CKPT_JSON_H
#define CKPT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct json;
struct json *json_new(FILE *f);
void json_free(struct json *j);
void json_obj(struct json *j, const char *key);
void json_arr(struct json *j, const char *key);
void json_end_obj(struct json *j);
void json_end_arr(struct json *j);
void json_str(struct json *j, const char *key, const char *s);
void json_int(struct json *j, const char *key, long long v);
void json_uint(struct json *j, const char *key, unsigned long long v);
void json_hex(struct json *j, const char *key, unsigned long long v);
void json_double(struct json *j, const char *key, double v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if not one. */
size_t utf8_seq(const unsigned char *s, size_t n);

#endif
