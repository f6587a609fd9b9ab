#include "reports/json_build.h"

#include <errno.h>

bool
jb_add_str(cJSON *o, const char *key, const char *v)
{
	if (!v)
		return cJSON_AddNullToObject(o, key) != NULL;
	return cJSON_AddStringToObject(o, key, v) != NULL;
}

bool
jb_push_str(cJSON *arr, const char *v)
{
	cJSON *item = v ? cJSON_CreateString(v) : cJSON_CreateNull();

	if (!item)
		return false;
	if (!cJSON_AddItemToArray(arr, item)) {
		cJSON_Delete(item);
		return false;
	}
	return true;
}

cJSON *
jb_push_obj(cJSON *arr)
{
	cJSON *item = cJSON_CreateObject();

	if (!item)
		return NULL;
	if (!cJSON_AddItemToArray(arr, item)) {
		cJSON_Delete(item);
		return NULL;
	}
	return item;
}

int
jb_write(FILE *out, cJSON *root)
{
	char *text = root ? cJSON_Print(root) : NULL;
	int rc = 0, saved;

	cJSON_Delete(root);
	if (!text) {
		errno = ENOMEM;
		return -1;
	}
	if (fputs(text, out) == EOF || putc('\n', out) == EOF ||
	    fflush(out) == EOF)
		rc = -1;
	saved = errno;
	cJSON_free(text);
	errno = saved;
	return rc;
}
