start = Hello! I search a Chinese newspaper archive and answer with cited, verbatim excerpts (headline, date, byline). The articles are in Chinese: questions in Chinese work best.
help =
    Send a question: you get a short answer and numbered citations; tap "Source N" for the whole article, 👍 / 👎 to give feedback.
    Groups: @{ $botname } question, a reply to me, or /ask question. In any chat, type @{ $botname } question for inline results.
    Commands: /ask · /new · /sources · /by AUTHOR · /about · /help
help-admin = Admin: /reindex · /stats · /remove FILE · /feedback; send a .txt/.md document, a PDF or a page photo in this private chat (and confirm) to add it to the archive (photos are read by OCR).
help-examples = Tap a question to try it:
about = The archive holds { $files } files, { $articles } articles (plus { $notes } page notes), { $chunks } passages; last indexed { $builtAt }.
answer-label = Answer:
untitled = Untitled
page-label = page { $page }
date-label = { $iso }
not-found = Sorry, the archive holds nothing that answers this question.
empty-question = Please type a question.
ask-usage = Usage: /ask question
source-button = Source { $n }
feedback-thanks-up = Thanks! 👍 recorded
feedback-thanks-down = Thanks! 👎 recorded, we will improve.
source-gone = This article is no longer in the archive (it was reindexed); please ask again.
page-of = page { $page }/{ $pages }
page-prev = ◀ Previous
page-next = Next ▶
excerpt-marked = The cited excerpt is in bold.
error = Something went wrong, please try again later.
rate-limited = Too many questions at once; please try again in a minute.
not-allowed = Sorry, this bot is only open to selected users and groups.
admin-only = Sorry, only admins can use this command.
reindex-started = Reindexing…
reindex-progress = Reindexing: { $phase } { $done }/{ $total }
reindex-done = Index updated in { $seconds } s: { $added } added, { $changed } changed, { $removed } removed; now { $files } files, { $articles } articles, { $chunks } passages.
reindex-files = Files: { $list }
reindex-warnings = Skipped or odd files: { $list }
reindex-busy = A reindex is already running; please wait.
reindex-failed = Reindex failed; the old index keeps serving: { $message }
stats =
    📚 Archive: { $files } files, { $articles } articles, split into { $chunks } passages for search.
    🔎 Search: { $retrieval }.
    🕒 Last indexed { $builtAt }, in { $buildSeconds } s.
    💬 In the { $uptime } since start: { $questions } questions, { $abstained } without an answer; { $avgMs } ms per question on average.
    🗳 Feedback: 👍 { $up }, 👎 { $down } (/feedback exports it).
    💾 Memory in use: { $rssMb } MB.
sources-header = Articles (page { $page }/{ $pages }):
sources-empty = The archive is empty.
upload-received = Received { $file }, adding it…
upload-replaced = Replaced { $file }, reindexing…
upload-added = Added { $file }, reindexing…
upload-rejected-name = That file name cannot be used.
upload-rejected-type = Only .txt / .md text files, PDFs and page images (PNG, JPEG, TIFF, WebP) are accepted.
upload-rejected-size = The file is too large (limit { $limit } bytes).
upload-rejected-empty = The file is empty.
upload-rejected-binary = This is not a text file.
upload-rejected-undecodable = Unknown text encoding (UTF-8, UTF-16, GBK/GB18030 and Big5 are supported).
upload-rejected-pdf-broken = This PDF cannot be read (damaged, or not a PDF).
upload-rejected-pdf-encrypted = This PDF is password-protected and cannot be read.
upload-rejected-pdf-no-text = This PDF has no readable text and no page images to read (only drawings, or text without a character map); send its pages as photos or images instead.
clipping-caption = The clipping from the page (the quoted lines boxed in yellow; text read by OCR)
clipping-caption-pdf = The clipping from the PDF page (the quoted lines boxed in yellow)
upload-rejected-image-broken = This image cannot be read (damaged, or not PNG, JPEG, TIFF or WebP).
upload-failed = Could not download { $file } from Telegram (it may be too large or expired); the archive is unchanged. Please send the file again.
remove-usage = Usage: /remove FILE (see /sources)
removed = Removed { $file }, reindexing…
remove-missing = No such file in the archive: { $file }
feedback-empty = No feedback yet.
feedback-export = { $count } feedback records (👍 { $up } / 👎 { $down }), exported as an evaluation set (seeds-dev.jsonl format).
feedback-export-inline = { $count } feedback records (👍 { $up } / 👎 { $down }). The file could not be sent; here it is:
inline-hint = Type a question, e.g. { $example }
inline-not-found = Nothing in the archive answers this
cmd-start = Start
cmd-help = Help and examples
cmd-ask = Ask: /ask question
cmd-new = Start afresh (no follow-up)
cmd-about = About the archive
mode-llm = Written by { $model } from the excerpts above; every sentence's citations were checked and failing sentences removed.
mode-fallback = The language model's answer was not used ({ $reason }); the answer above is extracted from the source.
button-expired = This button has expired (the bot restarted, or it does not belong to this message). Please ask again.
button-not-yours = Someone else opened this article; press the 原文 button under the answer to read it yourself.
feedback-already = Already recorded, thank you!
upload-ask = Add { $file } ({ $size } bytes) to the archive and reindex?
upload-confirm = ✅ Add
upload-cancel = ✖ Cancel
upload-cancelled = Cancelled: { $file } was not added.
more-button = More
conversation-new = Starting afresh: the next question will not be read as a follow-up.
conversation-hello = Hello! Ask me anything about the archive (it is in Chinese), e.g. “{ $example }”
conversation-thanks = You're welcome! Ask again any time.
start-notfound = The archive had no answer to that question. Try other words, or one of the examples below.
media-hint = I answer text questions only: please type your question (or put it in a photo's caption).
by-usage = Usage: /by AUTHOR, e.g. /by 张三
by-none = No article in the archive has a byline with “{ $name }”.
by-header = Articles whose byline has “{ $name }” ({ $count }):
cmd-sources = Browse the archive
cmd-by = Articles by an author: /by NAME
foreign-question = The archive holds Chinese articles, and nothing answered this question in English. Please ask in Chinese, for example: “{ $example }”
upload-not-admin = Only admins can add files to the archive. To ask a question, just send it as text.
upload-ask-replace = The archive already has { $file }. Replace it with this file ({ $size } bytes) and reindex?
upload-confirm-replace = ✅ Replace
remove-ask = Remove { $file } from the archive? The index is rebuilt afterwards.
remove-confirm = 🗑 Remove
remove-cancelled = Cancelled; { $file } stays in the archive.
reason-wrong = Wrong answer
reason-source = Unrelated sources
reason-incomplete = Incomplete
feedback-reason = Thanks, reason noted.
retrieval-builtin = built-in offline search (keywords and character vectors; no network, no keys)
retrieval-neural = keywords and { $model } semantic vectors
duration-days = { $n } { $n ->
        [one] day
       *[other] days
    }
duration-hours = { $n } { $n ->
        [one] hour
       *[other] hours
    }
duration-minutes = { $n } { $n ->
        [one] minute
       *[other] minutes
    }
cmd-reindex = Rebuild the index (admin)
cmd-stats = Statistics (admin)
cmd-remove = Remove a file: /remove FILE (admin)
cmd-feedback = Export feedback (admin)
bot-short-description = Ask a Chinese newspaper archive; answers cite headline, date, byline and the verbatim excerpt.
bot-description =
    I search a Chinese newspaper archive: first the answer itself, then where it comes from (headline, date, byline) and the exact excerpt. When the archive holds no answer, I say so.
    Send a question in a private chat; in groups mention me or reply to my message. Tap "Source" for the whole article, 👍 / 👎 for feedback. Questions in Chinese work best.
mode-translated = Your question was translated into Chinese by { $model } (“{ $question }”) and searched in the archive; the answer was translated back and its numbers checked against the Chinese; the excerpts are the original text.
mode-translation-dropped = Your question was translated into Chinese by { $model } (“{ $question }”) and searched in the archive; the translated answer failed the check, so the Chinese answer is shown.
