"""The sentences the apps share (zh-CN), in one place.

Each app keeps its own sentences in its own `texts.py` in the same way; another language is
added by a catalogue with the same keys.
"""

from __future__ import annotations

ZH_CN: dict[str, str] = {
    # connection
    "conn.connecting": "正在连接服务器…",
    "conn.reconnecting": "重新连接中",
    "conn.unreachable": "暂时无法连接服务器，正在自动重试。",
    "conn.refused": "服务器拒绝了本设备：{detail}",
    "conn.back": "已重新连接服务器",
    # errors shown to a person
    "error.unexpected": "程序出现意外错误：{detail}。请联系管理员。",
    "error.server": "服务器出错（{status}）：{detail}",
    # settings and start-up
    "settings.invalid": "设置有误：{detail}",
    "settings.file_unreadable": "无法读取设置文件 {path}：{detail}",
    "settings.no_token": "缺少设备令牌：请用 --token 或环境变量 GOVQUEUE_DEVICE_TOKEN 提供。",
    "screenshot.saved": "截图已保存：{path}",
    "screenshot.timeout": "截图失败：{seconds} 秒内未能加载数据。{detail}",
    "screenshot.save_failed": "截图失败：无法写入 {path}。",
    "font.missing": "未找到中文字体“{family}”，请安装 fonts-wqy-microhei。",
    # time
    "weekday.0": "星期一",
    "weekday.1": "星期二",
    "weekday.2": "星期三",
    "weekday.3": "星期四",
    "weekday.4": "星期五",
    "weekday.5": "星期六",
    "weekday.6": "星期日",
    "date.full": "{year}年{month}月{day}日 {weekday}",
    "duration.seconds": "{seconds}秒",
    "duration.minutes": "{minutes}分钟",
    "duration.hours": "{hours}小时",
    "duration.hours_minutes": "{hours}小时{minutes}分钟",
    "wait.none": "无需等候",
    "wait.about": "约 {duration}",
    "people": "{count} 人",
}


def text(key: str, **values: object) -> str:
    """The sentence `key`, with `{placeholders}` filled in."""
    return ZH_CN[key].format(**values)
