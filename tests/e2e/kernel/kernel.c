/*
 * kernel.c: a tiny Multiboot kernel for end-to-end tests.  It stands in
 * for SmartOS's unix: booted by iPXE (or qemu -kernel), it reports on
 * COM1 exactly what the loader handed it, then halts:
 *
 *   PXEKIT-TK cmdline=<kernel command line>
 *   PXEKIT-TK module=<i> size=<bytes> crc32=<8 hex> cmdline=<module line>
 *   PXEKIT-TK modules=<count>
 *   PXEKIT-TK end
 *
 * crc32 is the IEEE 802.3 CRC-32 (zlib's crc32(), `gzip -l`'s), so a test
 * can compare every byte of a module with the file on the server.
 * Command lines are printed with bytes outside 0x20-0x7e and the
 * backslash as \xNN, so one report line is always one serial line.
 *
 * Freestanding 32-bit C: no libc, no sanitizers, nothing but port I/O.
 */

typedef unsigned int    u32;
typedef unsigned char   u8;

_Static_assert(sizeof(u32) == 4, "a 32-bit target");

#define MB_BOOT_MAGIC   0x2BADB002u
#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MODS    (1u << 3)

/* The fields of the multiboot information this kernel reads. */
struct mb_info {
    u32  flags;
    u32  mem_lower, mem_upper;
    u32  boot_device;
    u32  cmdline;
    u32  mods_count;
    u32  mods_addr;
};

struct mb_module {
    u32  mod_start;
    u32  mod_end;           /* one past the last byte */
    u32  string;
    u32  reserved;
};

/* iPXE's one buffer for every command line is 512 bytes; print more. */
#define CMDLINE_PRINT_MAX   4096

#define COM1    0x3f8

void kmain(u32 magic, const struct mb_info *mbi);
void kexit(void);

static u32  crc_table[256];   /* filled once at boot */

static inline void
outb(unsigned short port, u8 v)
{
    __asm__ volatile ("outb %0, %1" : : "a" (v), "Nd" (port));
}

static inline u8
inb(unsigned short port)
{
    u8  v;

    __asm__ volatile ("inb %1, %0" : "=a" (v) : "Nd" (port));
    return v;
}

static void
serial_init(void)
{
    outb(COM1 + 1, 0x00);       /* no interrupts */
    outb(COM1 + 3, 0x80);       /* DLAB to set the divisor */
    outb(COM1 + 0, 0x01);       /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);       /* 8n1 */
    outb(COM1 + 2, 0xc7);       /* FIFO on, cleared */
    outb(COM1 + 4, 0x03);       /* DTR, RTS */
}

static void
putc(char c)
{
    /* Bounded wait: a missing UART must not hang the kernel forever. */
    u32  spin = 1000000;

    while ((inb(COM1 + 5) & 0x20) == 0 && --spin) {
        ;
    }
    outb(COM1, (u8) c);
}

static void
puts(const char *s)
{
    while (*s) {
        putc(*s++);
    }
}

static void
puthex(u32 v, int digits)
{
    static const char  hex[] = "0123456789abcdef";

    while (digits-- > 0) {
        putc(hex[(v >> (digits * 4)) & 0xf]);
    }
}

static void
putdec(u32 v)
{
    char  d[10];
    int   n = 0;

    do {
        d[n++] = (char) ('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) {
        putc(d[--n]);
    }
}

static void
put_escaped(u32 addr)
{
    const u8  *s = (const u8 *) addr;
    u32        i;

    if (addr == 0) {
        return;
    }
    for (i = 0; s[i] && i < CMDLINE_PRINT_MAX; i++) {
        if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '\\') {
            puts("\\x");
            puthex(s[i], 2);
        } else {
            putc((char) s[i]);
        }
    }
}

static void
crc_init(void)
{
    u32  c, n, k;

    for (n = 0; n < 256; n++) {
        c = n;
        for (k = 0; k < 8; k++) {
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        }
        crc_table[n] = c;
    }
}

static u32
crc32(const u8 *p, u32 len)
{
    u32  c = 0xffffffffu;

    while (len--) {
        c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
    }
    return c ^ 0xffffffffu;
}

void
kmain(u32 magic, const struct mb_info *mbi)
{
    const struct mb_module  *mod;
    u32                      i, n = 0;

    serial_init();
    crc_init();
    /* The loader may have left its cursor mid-line. */
    puts("\r\n");
    if (magic != MB_BOOT_MAGIC) {
        puts("PXEKIT-TK error=not-multiboot magic=");
        puthex(magic, 8);
        puts("\r\nPXEKIT-TK end\r\n");
        return;
    }
    puts("PXEKIT-TK cmdline=");
    if (mbi->flags & MB_INFO_CMDLINE) {
        put_escaped(mbi->cmdline);
    }
    puts("\r\n");
    if (mbi->flags & MB_INFO_MODS) {
        n = mbi->mods_count;
        mod = (const struct mb_module *) mbi->mods_addr;
        for (i = 0; i < n; i++) {
            puts("PXEKIT-TK module=");
            putdec(i);
            puts(" size=");
            putdec(mod[i].mod_end - mod[i].mod_start);
            puts(" crc32=");
            puthex(crc32((const u8 *) mod[i].mod_start,
                         mod[i].mod_end - mod[i].mod_start), 8);
            puts(" cmdline=");
            put_escaped(mod[i].string);
            puts("\r\n");
        }
    }
    puts("PXEKIT-TK modules=");
    putdec(n);
    puts("\r\nPXEKIT-TK end\r\n");
}

/*
 * Halts for good.  qemu runs with -no-reboot and the tests stop it by PID
 * once they see the end line; on real hardware (scripts/demo --keep) the
 * machine stays on the report instead of rebooting into PXE again.
 */
void
kexit(void)
{
    for (;;) {
        __asm__ volatile ("cli; hlt");
    }
}
