/* The JSON emitter of show.c: exact text, escaping, and UTF-8 checks. */
#include "unit.h"

/* In show.c, until a show.h declares them. */
#include "json.h"

static char *out;
static size_t out_len;

static struct json *begin(FILE **f)
{
	*f = open_memstream(&out, &out_len);
	CHECK(*f);
	return json_new(*f);
}

static const char *end(struct json *j, FILE *f)
{
	json_free(j);
	CHECK(fclose(f) == 0);
	return out;
}

/* The text of one string value, as the emitter writes it. */
static const char *escaped(const char *s)
{
	FILE *f;
	struct json *j = begin(&f);

	json_arr(j, NULL);
	json_str(j, NULL, s);
	json_end_arr(j);
	end(j, f);
	/* "[\n  VALUE\n]\n" */
	CHECK(out_len > 6);
	out[out_len - 3] = 0;
	return out + 4;
}

UNIT_TEST(json_layout)
{
	FILE *f;
	struct json *j = begin(&f);

	json_obj(j, NULL);
	json_str(j, "a", "x");
	json_int(j, "n", -3);
	json_uint(j, "u", 18446744073709551615ULL);
	json_hex(j, "h", 0x1f);
	json_hex(j, "z", 0);
	json_double(j, "d", 1.5);
	json_bool(j, "t", true);
	json_null(j, "none");
	json_str(j, "nul", NULL);
	json_arr(j, "empty");
	json_end_arr(j);
	json_obj(j, "o");
	json_end_obj(j);
	json_arr(j, "list");
	json_int(j, NULL, 1);
	json_obj(j, NULL);
	json_bool(j, "f", false);
	json_end_obj(j);
	json_end_arr(j);
	json_end_obj(j);
	CHECK_STR(end(j, f),
		  "{\n"
		  "  \"a\": \"x\",\n"
		  "  \"n\": -3,\n"
		  "  \"u\": 18446744073709551615,\n"
		  "  \"h\": \"0x1f\",\n"
		  "  \"z\": \"0x0\",\n"
		  "  \"d\": 1.500,\n"
		  "  \"t\": true,\n"
		  "  \"none\": null,\n"
		  "  \"nul\": null,\n"
		  "  \"empty\": [],\n"
		  "  \"o\": {},\n"
		  "  \"list\": [\n"
		  "    1,\n"
		  "    {\n"
		  "      \"f\": false\n"
		  "    }\n"
		  "  ]\n"
		  "}\n");
}

UNIT_TEST(json_escapes)
{
	CHECK_STR(escaped("plain"), "\"plain\"");
	CHECK_STR(escaped(""), "\"\"");
	CHECK_STR(escaped("a\"b\\c/d"), "\"a\\\"b\\\\c/d\"");
	CHECK_STR(escaped("\n\t\r\b\f"), "\"\\n\\t\\r\\b\\f\"");
	CHECK_STR(escaped("\x01\x1f\x7f"), "\"\\u0001\\u001f\\u007f\"");
}

UNIT_TEST(json_keys_escaped)
{
	FILE *f;
	struct json *j = begin(&f);

	json_obj(j, NULL);
	json_int(j, "we\"ird\n", 1);
	json_end_obj(j);
	CHECK_STR(end(j, f), "{\n  \"we\\\"ird\\n\": 1\n}\n");
}

UNIT_TEST(json_utf8_kept)
{
	/* é, €, an emoji (4 bytes), U+10FFFF: valid, passed through. */
	CHECK_STR(escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf"),
		  "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf\"");
}

UNIT_TEST(json_bad_utf8_escaped)
{
	/* Bytes that are not UTF-8 come out as \u00XX, one per byte. */
	CHECK_STR(escaped("a\xff" "b"), "\"a\\u00ffb\"");
	CHECK_STR(escaped("\xc0\xaf"), "\"\\u00c0\\u00af\"");		/* overlong '/' */
	CHECK_STR(escaped("\xed\xa0\x80"), "\"\\u00ed\\u00a0\\u0080\"");	/* surrogate */
	CHECK_STR(escaped("\xf4\x90\x80\x80"), "\"\\u00f4\\u0090\\u0080\\u0080\"");	/* > U+10FFFF */
	CHECK_STR(escaped("x\xe2\x82"), "\"x\\u00e2\\u0082\"");		/* cut short */
	CHECK_STR(escaped("\x80x"), "\"\\u0080x\"");			/* lone continuation */
	CHECK_STR(escaped("\xc3(\xc3\xa9"), "\"\\u00c3(\xc3\xa9\"");	/* bad, then good */
}

int main(int argc, char **argv)
{
	return UNIT_MAIN(argc, argv,
		UNIT_ENTRY(json_layout),
		UNIT_ENTRY(json_escapes),
		UNIT_ENTRY(json_keys_escaped),
		UNIT_ENTRY(json_utf8_kept),
		UNIT_ENTRY(json_bad_utf8_escaped));
}
