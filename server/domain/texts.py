"""Every sentence the server says to a person, in one place (zh-CN).

Another language is added by adding a catalogue with the same keys.
"""

from __future__ import annotations

ZH_CN: dict[str, str] = {
    # tickets
    "ticket.not_found": "号票不存在（编号 {ticket_id}），请核对后重试。",
    "ticket.public_not_found": "未找到该号票，请核对二维码或票面信息。",
    "ticket.illegal": "号票 {number} 当前状态为“{status}”，不能{action}。",
    "ticket.not_at_window": "号票 {number} 尚未叫到任何窗口，窗口人员只能操作叫到本窗口的号票。",
    "ticket.other_window": "号票 {number} 由 {window} 号窗口处理，本窗口不能操作。",
    "ticket.transfer_same_service": "号票 {number} 已属于“{service}”，请选择其他业务转办。",
    "ticket.need_outcome": "请选择办理结果：办结、补正、退件或不予受理。",
    "ticket.already_evaluated": "号票 {number} 已评价过，每张号票只能评价一次。",
    "ticket.request_reused": "该取号请求编号已用于号票 {number}（另一项业务）；请为新的取号生成新的 request_id。",
    "ticket.not_finished": "号票 {number} 尚未办结，办结后才能评价。",
    "ticket.evaluation_staff": "工作人员不能为号票评价，请由办事群众在评价器或手机上评价。",
    "ticket.evaluation_other_window": "该评价器属于其他窗口，不能评价号票 {number}。",
    # windows
    "window.not_found": "窗口不存在（编号 {window_id}）。",
    "window.not_open": "{window} 号窗口当前为“{state}”，请先开启窗口再叫号。",
    "window.busy": "{window} 号窗口的号票 {number} 尚未处理完，请先办理、过号或办结。",
    "window.illegal": "{window} 号窗口当前为“{state}”，不能{action}。",
    "window.other_hall": "该窗口不属于您所在的大厅。",
    "window.taken": "{window} 号窗口已由其他工作人员签到，请使用自己的窗口。",
    "window.sign_in_first": "请先开启 {window} 号窗口（签到）再操作。",
    "window.signed_elsewhere": "您已在 {window} 号窗口签到，请先关闭该窗口。",
    "window.no_services": "{window} 号窗口未配置任何业务，请联系管理员。",
    "window.desk_not_yours": "您未在 {window} 号窗口签到，只能查看自己窗口的队列和数据。",
    # services
    "service.not_found": "业务不存在（编号 {service_id}）。",
    "service.disabled": "业务“{service}”已停用，请选择其他业务。",
    "service.closed": "业务“{service}”当前不在取号时间内（取号时间：{hours}），请在取号时间内再来。",
    "service.daily_limit": "业务“{service}”今日号源（{limit} 个）已取完，请明日再来或预约。",
    "service.bad_hours": '取号时间格式不正确：{detail}。请写成 [["09:00","12:00"],["13:30","17:00"]]。',
    "service.prefix_taken": "大厅内已有前缀为“{prefix}”的业务，请换一个前缀。",
    # halls, staff, devices
    "hall.not_found": "大厅不存在（编号 {hall_id}）。",
    "hall.code_taken": "大厅编码“{code}”已被使用。",
    "hall.bad_timezone": "时区“{tz}”无法识别，请使用如 Asia/Shanghai 的时区名。",
    "window.number_taken": "大厅内已有 {number} 号窗口。",
    "staff.no_taken": "工号“{staff_no}”已存在。",
    "staff.weak_password": "密码至少需要 8 位，请重新设置。",
    "staff.needs_hall": "窗口人员和主管必须属于一个大厅，请填写 hall_id。",
    "window.service_other_hall": "业务 {service_id} 不属于大厅 {hall_id}，不能分配给该窗口。",
    "window.duplicate_services": "service_ids 中有重复的业务，请每个业务只填一次。",
    "device.window_required": "窗口终端必须绑定一个窗口，请填写 window_id。",
    "device.window_other_hall": "窗口 {window_id} 不属于大厅 {hall_id}。",
    # auth
    "auth.bad_credentials": "工号或密码错误，请重新输入。",
    "auth.required": "请先登录或提供设备令牌。",
    "auth.invalid_token": "令牌无效或已过期，请重新登录。",
    "auth.role": "当前账号无权执行此操作（需要角色：{roles}）。",
    "auth.device_kind": "此操作需要{kinds}设备。",
    "auth.other_hall": "无权访问其他大厅的数据。",
    "auth.inactive": "账号已停用，请联系管理员。",
    # web console (server/console)
    "console.role": "窗口工作人员请使用窗口叫号程序；管理控制台仅供值班主管和管理员登录。",
    "console.session_ended": "登录已过期或已退出，请重新登录。",
    "console.csrf": "页面已过期（缺少安全校验），请刷新页面后重试。",
    "console.cross_origin": "拒绝来自其他网站的请求。",
    "hall.notice_saved": "大厅公告已更新。",
    "window.services_required": "请为窗口至少选择一项业务。",
    "auth.too_many_attempts": "登录失败次数过多，请 {seconds} 秒后再试；忘记密码请联系管理员重置。",
    # the server itself (not the request) cannot do it
    "server.writer_stopped": "服务器的数据写入已停止，暂时无法保存任何操作。请联系系统管理员重启服务（govqueue serve）。",
    "server.store_busy": "数据库繁忙，本次操作未保存，请稍后重试。",
    "server.database_unavailable": "数据库暂时无法访问，本次操作未保存，请稍后重试；如果一再出现，请联系系统管理员。",
    "server.internal_error": "服务器内部错误，本次操作未完成（错误编号 {incident}）。请稍后重试；如果一再出现，请把错误编号告诉系统管理员。",
    "server.database_in_use": "数据库文件 {path} 正被另一个 govqueue 服务进程使用（{holder}），不能再启动一个。同一个 SQLite 数据库只能由一个服务进程使用：请先停止那个进程，或换用另一个数据目录（--data-dir）；需要多个服务进程请改用 PostgreSQL。",
    "auth.session_ended": "登录已失效（账号的角色或密码已更改），请重新登录。",
    "auth.revoked_live": "此设备已被停用或账号已停用（或角色、密码已更改），连接已关闭。",
    "auth.device_revoked": "此设备已被停用，请联系管理员重新登记设备。",
    "auth.deployment_admin_only": "只有全局管理员（不属于任何大厅）可以{action}。",
    "staff.not_found": "工作人员不存在（编号 {staff_id}）。",
    "staff.not_self": "不能停用自己的账号或更改自己的角色，请由其他管理员操作。",
    "device.not_found": "设备不存在（编号 {device_id}）。",
    # stats
    "stats.bad_range": "统计区间不正确：开始日期 {start} 晚于结束日期 {end}。",
    "stats.range_too_long": "统计区间最长 {days} 天，请缩短区间或分段导出。",
    "stats.bad_day": "{name} 应为日期 YYYY-MM-DD（收到“{value}”）。",
    "stats.day_out_of_range": "{name} 应在 {low} 至 {high} 之间（收到 {value}）。",
    "stats.hall_required": "请指定大厅 hall_id。",
    "export.too_many_rows": "明细共 {rows} 行，超过 XLSX 单表上限（{limit} 行）；请缩短区间或导出 CSV（format=csv）。",
    "complaint.not_found": "投诉不存在（编号 {complaint_id}）。",
    "complaint.bad_channel": "投诉渠道只能是 onsite（现场）、phone（电话）、12345、online（网上）或 letter（信件）。",
    "complaint.closed": "投诉 {complaint_id} 已办结，不能再处理。",
    "complaint.future": "{name} 不能晚于当前时间。",
    "complaint.before_received": "处理时间不能早于受理时间 {received}。",
    "complaint.other_hall": "{what} 不属于该大厅。",
    "rectification.not_found": "差评整改记录不存在（编号 {rectification_id}）。",
    "rectification.already_rectified": "差评整改 {rectification_id} 已整改，不能重复提交。",
    "rectification.not_rectified": "差评整改 {rectification_id} 尚未整改，请先登记整改措施再回访。",
    "rectification.already_followed_up": "差评整改 {rectification_id} 已回访过。",
    "complaint_channel.onsite": "现场",
    "complaint_channel.phone": "电话",
    "complaint_channel.12345": "12345热线",
    "complaint_channel.online": "网上",
    "complaint_channel.letter": "信件",
    "complaint_state.accepted": "已受理",
    "complaint_state.closed": "已办结",
    "rectification_state.open": "待整改",
    "rectification_state.rectified": "已整改",
    "rectification_state.followed_up": "已回访",
    "followup_way.phone": "电话",
    "followup_way.sms": "短信",
    "followup_way.visit": "上门",
    "followup_way.online": "网上",
    # actions (used in messages)
    "action.create_hall": "创建大厅",
    "action.create_global_staff": "创建不属于任何大厅的账号",
    "action.manage_global_staff": "管理不属于任何大厅的账号",
    "action.call": "叫号",
    "action.recall": "重呼",
    "action.start": "开始办理",
    "action.finish": "办结",
    "action.no_show": "过号",
    "action.requeue": "重新排队",
    "action.transfer": "转办",
    "action.cancel": "取消",
    "action.open": "开启",
    "action.pause": "暂停",
    "action.resume": "恢复",
    "action.close": "关闭",
    # state names
    "status.waiting": "等候中",
    "status.called": "已叫号",
    "status.serving": "办理中",
    "status.done": "已办结",
    "status.no_show": "已过号",
    "status.transferred": "已转办",
    "status.cancelled": "已取消",
    "window_state.open": "服务中",
    "window_state.paused": "暂停服务",
    "window_state.closed": "已关闭",
    "outcome.done": "办结",
    "outcome.supplement": "补正",
    "outcome.returned": "退件",
    "outcome.rejected": "不予受理",
    "priority.normal": "普通",
    "priority.green": "绿色通道",
    "hours.all_day": "全天",
    "evaluation.level.5": "非常满意",
    "evaluation.level.4": "满意",
    "evaluation.level.3": "基本满意",
    "evaluation.level.2": "不满意",
    "evaluation.level.1": "非常不满意",
}

_CATALOGUES = {"zh-CN": ZH_CN}
_current = ZH_CN


def text(key: str, /, **values: object) -> str:
    """The sentence for `key` in the current language, with `values` filled in."""
    template = _current.get(key, key)
    return template.format(**values) if values else template


def use_language(tag: str) -> None:
    global _current
    _current = _CATALOGUES[tag]
