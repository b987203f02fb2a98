/* SPDX-License-Identifier: GPL-2.0 */
/* pctest: guest-side checks of /proc/peercred against the kernel's getsockopt. */
#ifndef PCTEST_H
#define PCTEST_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>

#define PC_MAX_GROUPS 64
#define PC_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
/* A detail field shown as "-": not the reader's to see. */
#define PC_HIDDEN	0xffffffffU

/* One /proc/peercred line. Side 0 = srv, side 1 = cli, as in the module. */
struct pc_row {
	char type[16], origin[16], flags[8], path[512], drift[2][8];
	unsigned long ino[2];
	int pid[2];
	unsigned int uid[2], gid[2];
	char comm[2][64];
	unsigned long age_ms;
	char pidfs[2][24], label[2][512];
};

/* One /proc/peercred_detail block. */
struct pc_detail {
	unsigned long ino[2];
	int pid[2];
	unsigned int uid[2][4], gid[2][4];	/* real, effective, saved, fs */
	int ngroups[2];
	unsigned int groups[2][PC_MAX_GROUPS];
	unsigned long long cap_eff[2], cap_prm[2];
	char path[512], origin[16];
	char pidfs[2][24], label[2][4096];
};

/* What a test made a process be; pid 0 = do not check. */
struct pc_ident {
	pid_t pid;
	uid_t uid[4];
	gid_t gid[4];
	int ngroups;
	gid_t groups[PC_MAX_GROUPS];
};

/* check.c */
extern const char *pc_proc;
void pc_result(bool ok, const char *name, const char *fmt, ...);
void pc_skip(const char *name, const char *why);
void pc_features(void);
bool pc_shows_labels(void);
bool pc_shows_pidfs(void);
int pc_failures(void);
extern bool pc_quiet;
bool pc_find_row(unsigned long ino, struct pc_row *row, int *side);
bool pc_find_detail(unsigned long ino, struct pc_detail *d);
long pc_stat(const char *key);
unsigned long pc_ino(int fd);
void pc_escape(char *out, size_t size, const char *s, size_t len, size_t max);
void pc_check_fd(const char *name, int fd, const struct pc_ident *peer,
		 const char *origin, const char *path);
void pc_become(const struct pc_ident *who);
void pc_self(struct pc_ident *who);

int pc_count_rows(unsigned long ino);
void pc_check_drift(const char *name, int fd, const char *srv_drift,
		    const char *cli_drift);
void pc_check_cli(const char *name, int fd, const char *want);

/* scenarios.c: the scenarios, and socket helpers that exit on failure */
struct sockaddr_un;
int pc_scenario(const char *name, int argc, char **argv);
socklen_t pc_addr(struct sockaddr_un *sa, const char *name, size_t len);
int pc_listen(int type, const char *name);
int pc_connect(int type, const char *name);
void pc_xread(int fd, void *buf, size_t len);
void pc_xwrite(int fd, const void *buf, size_t len);
int pc_wait_children(void);
struct pc_ident pc_user(uid_t uid);
void pc_hold_pairs(int n, int up, int hold);

/* system.c: the rows of a booted Debian system (scripts/pkg-test.sh) */
int pc_system(const char *prefix);
int pc_user_holds(uid_t uid, int n, int hold[2]);
bool pc_other_user_recorded(const char *scenario, uid_t uid, const char *name);
int pc_churn(int seconds);

/* preexisting.c, drift.c, namespaces.c, reader.c */
int pc_preexisting(const char *ready);
int pc_drift(void);
int pc_netns(void);
int pc_userns(void);
int pc_resume(void);

/* identity.c */
int pc_identity(void);
int pc_labels_off(void);
int pc_label_client(const char *path);

/* forge.c */
int pc_label_forge(void);

/* parked.c, share.c, hiding.c, containers.c, pins.c */
int pc_parked(void);
int pc_share(void);
int pc_hiding(void);
int pc_containers(void);
int pc_pins(void);
int pc_flood(long rows);
void pc_map_ns(pid_t pid, const char *map);

/* hold.c */
int pc_hold(const char *what, int argc, char **argv);

#endif
