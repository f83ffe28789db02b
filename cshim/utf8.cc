// utf8.cc: checking that a Nix string can be a JSON string. Nix strings are
// bytes; the request is JSON, whose strings must be UTF-8.
#include "plan.hh"

namespace gograph {

bool isValidUtf8(std::string_view s)
{
    auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
    for (size_t i = 0; i < s.size();) {
        auto c = byte(i);
        if (c < 0x80) {
            i++;
            continue;
        }
        // The length of the sequence and the range of its second byte,
        // which excludes overlong forms, surrogates and code points above
        // U+10FFFF (RFC 3629, section 4).
        size_t n;
        unsigned char lo = 0x80, hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf)
            n = 2;
        else if (c >= 0xe0 && c <= 0xef) {
            n = 3;
            if (c == 0xe0)
                lo = 0xa0;
            else if (c == 0xed)
                hi = 0x9f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 4;
            if (c == 0xf0)
                lo = 0x90;
            else if (c == 0xf4)
                hi = 0x8f;
        } else
            return false;
        if (i + n > s.size() || byte(i + 1) < lo || byte(i + 1) > hi)
            return false;
        for (size_t k = 2; k < n; k++)
            if (byte(i + k) < 0x80 || byte(i + k) > 0xbf)
                return false;
        i += n;
    }
    return true;
}

}
