// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay.c - run every file of a corpus directory (or single files) through
 * a fuzz target's LLVMFuzzerTestOneInput() without libFuzzer. Built with
 * ASan+UBSan, this turns every seed and every crash ever found into a
 * permanent regression input.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	static uint8_t buf[1 << 20];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		perror(path);
		return 1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

static int replay_path(const char *path, unsigned int *count)
{
	char sub[4096];
	struct dirent *de;
	struct stat st;
	int rc = 0;
	DIR *d;

	if (stat(path, &st)) {
		perror(path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return replay_file(path);
	}
	d = opendir(path);
	if (!d) {
		perror(path);
		return 1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		rc |= replay_path(sub, count);
	}
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned int count = 0;
	int i, rc = 0;

	for (i = 1; i < argc; i++)
		rc |= replay_path(argv[i], &count);
	printf("%s: replayed %u inputs\n", argv[0], count);
	if (!count) {
		fprintf(stderr, "%s: empty corpus\n", argv[0]);
		return 1;
	}
	return rc;
}
