#include "app/api/htmlescape.h"

namespace sd::web {

QString escape(QStringView text)
{
    QString out;
    out.reserve(text.size() + text.size() / 8);
    for (const QChar c : text) {
        switch (c.unicode()) {
        case u'&':
            out += u"&amp;";
            break;
        case u'<':
            out += u"&lt;";
            break;
        case u'>':
            out += u"&gt;";
            break;
        case u'"':
            out += u"&quot;";
            break;
        case u'\'':
            out += u"&#39;";
            break;
        default:
            // Control characters other than tab and newline are not allowed in XML 1.0: drop them, so a
            // hostile name cannot make a feed ill-formed.
            if (c.unicode() < 0x20 && c != u'\t' && c != u'\n' && c != u'\r')
                break;
            out += c;
        }
    }
    return out;
}

} // namespace sd::web
