/*
 * banned.h: functions that silently truncate or overflow.  Included last by
 * every lib and tool source, so a use of one is a compile error.  Use
 * struct buf (buf.h) instead.
 */
#ifndef SI_BANNED_H
#define SI_BANNED_H

#define BANNED(f) sorry_##f##_is_banned_use_buf_h

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gets
#define gets(x) BANNED(gets)

#endif
