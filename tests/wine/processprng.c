/* Stand-in for Windows 10's bcryptprimitives.dll, which Debian 12's Wine 8.0 lacks: Rust's std
 * (1.78+) takes its random seed from ProcessPrng there (rust-lang/rust#121337). Only the Wine
 * test prefix gets this DLL; a real Windows PC has its own. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom, advapi32 */

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
