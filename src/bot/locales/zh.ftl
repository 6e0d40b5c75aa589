start = 你好！我会在报纸资料库里找答案，并附上原文出处（标题、日期、作者和原文摘录）。
help =
    直接发一个问题，我会给出简短回答和带编号的原文出处；点「原文 N」查看整篇文章，点 👍 / 👎 反馈。
    群聊：@{ $botname } 问题、回复我的消息，或 /ask 问题。任意聊天中输入 @{ $botname } 问题 可以内联引用。
    命令：/ask 提问 · /new 重新开始 · /sources 浏览文章 · /by 作者名 · /about 资料库信息 · /help 帮助
help-admin = 管理员命令：/reindex 重建索引 · /stats 统计 · /remove 文件名 删除文件 · /feedback 导出反馈；在私聊中发送 .txt/.md 文件、PDF 或版面照片并确认即可加入资料库（照片用 OCR 识别）。
help-examples = 点下面的问题试试：
about = 资料库共 { $files } 个文件、{ $articles } 篇文章（另有 { $notes } 条版面信息），{ $chunks } 个段落；最近索引时间 { $builtAt }。
answer-label = 答：
untitled = 无标题
page-label = 第{ $page }版
date-label = { $year }年{ $month }月{ $day }日
not-found = 抱歉，资料库中没有找到能回答这个问题的内容。
empty-question = 请输入一个问题。
ask-usage = 用法：/ask 问题
source-button = 原文 { $n }
feedback-thanks-up = 谢谢！已记录 👍
feedback-thanks-down = 谢谢！已记录 👎，我们会改进。
source-gone = 这篇文章已不在资料库中（可能已重新索引），请重新提问。
page-of = 第 { $page }/{ $pages } 页
page-prev = ◀ 上一页
page-next = 下一页 ▶
excerpt-marked = 加粗部分是引用的摘录。
error = 出错了，请稍后再试。
rate-limited = 提问太频繁了，请一分钟后再试。
not-allowed = 抱歉，这个机器人只对指定的用户和群组开放。
admin-only = 抱歉，只有管理员可以使用这个命令。
reindex-started = 正在重建索引…
reindex-progress = 正在重建索引：{ $phase } { $done }/{ $total }
reindex-done = 索引已更新（用时 { $seconds } 秒）：新增 { $added }、修改 { $changed }、删除 { $removed } 个文件；现有 { $files } 个文件、{ $articles } 篇文章、{ $chunks } 个段落。
reindex-files = 文件：{ $list }
reindex-warnings = 跳过或有问题的文件：{ $list }
reindex-busy = 索引正在重建中，请稍候再试。
reindex-failed = 重建索引失败，旧索引继续服务：{ $message }
stats =
    📚 资料库：{ $files } 个文件、{ $articles } 篇文章，分成 { $chunks } 个段落供检索。
    🔎 检索方式：{ $retrieval }。
    🕒 最近一次建索引：{ $builtAt }，用时 { $buildSeconds } 秒。
    💬 启动 { $uptime }以来收到 { $questions } 个问题，其中 { $abstained } 个没找到答案；平均每个问题用时 { $avgMs } 毫秒。
    🗳 反馈：👍 { $up } 个，👎 { $down } 个（/feedback 导出）。
    💾 占用内存 { $rssMb } MB。
sources-header = 资料库文章（第 { $page }/{ $pages } 页）：
sources-empty = 资料库是空的。
upload-received = 已收到 { $file }，正在加入资料库…
upload-replaced = 已替换 { $file }，正在重建索引…
upload-added = 已加入 { $file }，正在重建索引…
upload-rejected-name = 文件名不可用。
upload-rejected-type = 只接受 .txt / .md 文本文件、PDF 和版面图片（PNG、JPEG、TIFF、WebP）。
upload-rejected-size = 文件太大（上限 { $limit } 字节）。
upload-rejected-empty = 文件是空的。
upload-rejected-binary = 这不是文本文件。
upload-rejected-undecodable = 无法识别文件编码（支持 UTF-8、UTF-16、GBK/GB18030、Big5）。
upload-rejected-pdf-broken = 这个 PDF 无法读取（文件损坏或不是 PDF）。
upload-rejected-pdf-encrypted = 这个 PDF 有密码保护，无法读取。
upload-rejected-pdf-no-text = 这个 PDF 既没有可读的文字层，也没有可识别的页面图片（只有图形，或文字缺少字符映射）；可以把页面拍照或导出成图片发来。
clipping-caption = 原版剪报（黄框为引用的段落；文字由 OCR 识别）
clipping-caption-pdf = 原版剪报（PDF 版面，黄框为引用的段落）
upload-rejected-image-broken = 这张图片无法读取（文件损坏或格式不支持；支持 PNG、JPEG、TIFF、WebP）。
upload-failed = 没能从 Telegram 下载 { $file }（文件可能太大或已过期），资料库没有改动。请重新发送这个文件。
remove-usage = 用法：/remove 文件名（见 /sources）
removed = 已删除 { $file }，正在重建索引…
remove-missing = 资料库中没有这个文件：{ $file }
feedback-empty = 还没有反馈。
feedback-export = 反馈共 { $count } 条（👍 { $up } / 👎 { $down }），已导出为评测集（seeds-dev.jsonl 格式）。
feedback-export-inline = 反馈共 { $count } 条（👍 { $up } / 👎 { $down }）。评测集文件无法发送，内容如下：
inline-hint = 输入问题，例如：{ $example }
inline-not-found = 资料库中没有找到答案
cmd-start = 开始
cmd-help = 帮助和示例
cmd-ask = 提问：/ask 问题
cmd-new = 重新开始（不再接着上一个问题）
cmd-about = 资料库信息
mode-llm = 由 { $model } 根据上述原文生成；每句的引文已核对，未通过核对的句子已删除。
mode-fallback = 语言模型的回答未采用（{ $reason }），以上为原文摘录。
button-expired = 这个按钮已过期（机器人重启过，或按钮不属于这条消息）。请重新提问。
button-not-yours = 这是别人打开的原文，请点回答下面的「原文」按钮自己查看。
feedback-already = 已经记录过了，谢谢！
upload-ask = 要把 { $file }（{ $size } 字节）加入资料库并重建索引吗？
upload-confirm = ✅ 加入
upload-cancel = ✖ 取消
upload-cancelled = 已取消，{ $file } 没有加入资料库。
more-button = 更多
conversation-new = 好的，我们重新开始：接下来的问题不再接着上一个问题理解。
conversation-hello = 你好！直接问我关于资料库的问题就行，比如“{ $example }”
conversation-thanks = 不客气！还有问题随时问我。
start-notfound = 刚才的问题在资料库中没有找到答案。可以换个说法，或者看看下面的示例问题。
media-hint = 我只能回答文字问题：请直接发文字（照片可以把问题写在说明里）。
by-usage = 用法：/by 作者名，例如 /by 张三
by-none = 资料库中没有署名含“{ $name }”的文章。
by-header = 署名含“{ $name }”的文章（{ $count } 篇）：
cmd-sources = 浏览资料库文章
cmd-by = 按作者查文章：/by 作者名
foreign-question = 资料库里的文章是中文的，这个问题没有找到答案。请用中文提问，比如：“{ $example }”
reason-wrong = 答案不对
reason-source = 出处不相关
reason-incomplete = 没答全
feedback-reason = 谢谢，已记下原因。
upload-not-admin = 只有管理员可以往资料库里添加文件。想问问题的话，直接发文字就行。
upload-ask-replace = 资料库里已经有 { $file }。要用这个文件（{ $size } 字节）替换它并重建索引吗？
upload-confirm-replace = ✅ 替换
remove-ask = 确定要从资料库删除 { $file } 吗？删除后会重建索引。
remove-confirm = 🗑 删除
remove-cancelled = 已取消，{ $file } 仍在资料库中。
retrieval-builtin = 内置的离线检索（关键词加字词向量，不联网、不需要密钥）
retrieval-neural = 关键词加 { $model } 语义向量
duration-days = { $n } 天
duration-hours = { $n } 小时
duration-minutes = { $n } 分钟
cmd-reindex = 重建索引（管理员）
cmd-stats = 统计（管理员）
cmd-remove = 删除文件：/remove 文件名（管理员）
cmd-feedback = 导出反馈（管理员）
bot-short-description = 问报纸资料库，得到带原文出处的回答：标题、日期、作者和一字不差的摘录。
bot-description =
    我会在报纸资料库里找答案：先给出答案本身，再附上出处（标题、日期、作者）和一字不差的原文摘录。资料库里没有答案时，我会直说。
    私聊直接发问题；在群里 @我 提问或回复我的消息。点「原文」看整篇文章，点 👍 / 👎 反馈。
mode-translated = 问题由 { $model } 译成中文“{ $question }”后在资料库中检索；回答由它译回，其中的数字已与原文核对；摘录为原文。
mode-translation-dropped = 问题由 { $model } 译成中文“{ $question }”后在资料库中检索；译回的回答没有通过核对，以上为原文。
