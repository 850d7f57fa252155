#include "app/api/htmlescape.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace sd::web {
namespace {

// The characters HTML and XML give a meaning to, and what stands for each.
constexpr std::pair<char16_t, const char16_t *> kEntities[] = {
    {u'&', u"&amp;"}, {u'<', u"&lt;"}, {u'>', u"&gt;"}, {u'"', u"&quot;"}, {u'\'', u"&#39;"}};

} // namespace

QString escape(QStringView text)
{
    QString out;
    out.reserve(text.size() + text.size() / 8);
    for (const QChar c : text) {
        const auto entity = std::find_if(std::begin(kEntities), std::end(kEntities),
                                         [c](const auto &e) { return e.first == c.unicode(); });
        if (entity != std::end(kEntities))
            out += QStringView(entity->second);
        // Control characters other than tab and newline are not allowed in XML 1.0: drop them, so a hostile
        // name cannot make a feed ill-formed.
        else if (c.unicode() >= 0x20 || c == u'\t' || c == u'\n' || c == u'\r')
            out += c;
    }
    return out;
}

} // namespace sd::web
