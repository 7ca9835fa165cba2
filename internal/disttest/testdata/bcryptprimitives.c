/* Test harness for running Go's Windows binaries under Wine 8, which lacks
 * bcryptprimitives.dll: Go's runtime calls its ProcessPrng at start. This
 * gives it over RtlGenRandom (advapi32's SystemFunction036). Not part of
 * PyHangar; copied into a throw-away Wine prefix's system32 by the tests. */
#include <windows.h>
#include <ntsecapi.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
		if (!RtlGenRandom(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
