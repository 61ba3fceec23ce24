import type { Locale } from '../../../preload/contract';
import { actionsMessages } from './messages-actions';
import { alarmsMessages } from './messages-alarms';
import { consoleMessages } from './messages-console';
import { detailMessages } from './messages-detail';
import { valuesMessages } from './messages-values';

/** The domains' own tables (messages-*.ts), merged after the frame's texts below; keys never overlap (tested). */
export const messageModules = [
  actionsMessages,
  alarmsMessages,
  consoleMessages,
  detailMessages,
  valuesMessages,
] as const;

/**
 * The Chinese table is the reference: every key the UI uses is defined here first, and every other
 * locale must define exactly the same keys (the type below forbids missing and extra keys; a unit
 * test checks it again at run time). `{name}` marks a parameter filled in by `translate`.
 */
const frameZhCN = {
  'app.demoBadge': '演示数据',
  'app.demoBadgeHint': '运行于内置演示辖区，数据为模拟数据',
  'app.switchLocale': 'English',
  'app.switchLocaleHint': '切换界面语言为英文',
  'app.switchToLight': '浅色主题',
  'app.switchToLightHint': '切换到浅色主题（适合明亮环境）',
  'app.switchToDark': '深色主题',
  'app.switchToDarkHint': '切换到深色主题（适合夜间值班）',

  'queues.heading': '处置队列',
  'queues.shortcutHint': '按 1–{last} 切换队列，↑↓ 移动',
  'queues.countLabel': '{count} 条',
  'queues.countUnknown': '计数未知',
  'queue.redAlerts': '红色预警',
  'queue.undispatched': '超期未派单',
  'queue.overdueClosure': '超期未结案',
  'queue.nonStandard': '填报不规范',
  'queue.workPrompts': '工作提示',
  'queue.silentScenes': '静默场景',
  'queue.deviceIssues': '设备离线 / 信息报错',
  'queue.syncRate': '同步率异常',
  'queue.dutyItems': '值班事项',

  'area.dataAsOf': '数据截至 {time}',
  'area.neverSynced': '尚未同步',
  'area.emptyTitle': '暂无数据',
  'area.emptyDetail': '队列将在同步后填充。',

  'signIn.title': '登录中心平台',
  'signIn.intro': '请使用中心平台账号登录，登录后开始同步并处置队列。',
  'signIn.username': '用户名',
  'signIn.password': '密码',
  'signIn.submit': '登录',
  'signIn.submitting': '正在登录…',
  'signIn.cancel': '取消',
  'signIn.refused': '用户名或密码错误，请核对后重试。',
  'signIn.demoAccounts': '演示账号（点击填入）',
  'signIn.demoShiftLead': '值班长',
  'signIn.expired': '登录已过期，请重新登录。未上传的操作已保留，登录后继续上传。',
  'signIn.again': '重新登录',
  'signOut.button': '退出登录',
  'signOut.hint': '退出 {name} 的登录',

  'grid.label': '{queue}列表',
  'grid.total': '共 {count} 条',
  'grid.loading': '加载中…',
  'grid.keyHint': 'j/k 或 ↑↓ 移动，Enter 查看详情，Esc 返回队列',
  'grid.days': '天',
  'grid.overdueBy': '超期 {span}',
  'column.level': '等级',
  'column.title': '标题',
  'column.scene': '场景',
  'column.category': '类别',
  'column.location': '位置',
  'column.elapsed': '已用时',
  'column.dueIn': '剩余时限',
  'column.handler': '处置人',
  'column.status': '状态',
  'column.claimedBy': '认领人',
  'column.detail': '说明',
  'level.red': '红',
  'level.orange': '橙',
  'level.yellow': '黄',
  'level.blue': '蓝',

  'detail.title': '详情',
  'detail.close': '关闭（Esc）',
  'detail.entity': '类型',
  'detail.id': '编号',
  'detail.since': '起始时间',
  'detail.dueAt': '到期时间',
  'detail.none': '—',
  'entity.alert': '预警',
  'entity.scene': '场景',
  'entity.device': '设备',
  'entity.workPrompt': '工作提示',

  'status.connection': '中心平台',
  'connection.online': '在线',
  'connection.degraded': '降级',
  'connection.offline': '离线',
  'connection.unconfigured': '未配置',
  'status.since': '自 {time}',
  'status.centralUrl': '中心地址：{url}',
  'status.noCentralUrl': '未配置中心平台地址',
  'status.lastError': '最近错误：{error}',
  'status.lastSync': '最近同步',
  'status.neverSynced': '从未',
  'status.serverTime': '服务器时间',
  'status.timeZone': '时区：{zone}',
  'status.pending': '待上传',
  'status.pendingHint': '已在本机记录、尚未被中心平台确认的操作',
  'status.rejected': '被拒',
  'status.rejectedHint': '被中心平台拒绝、等待重试或放弃的操作',
  'status.operator': '值班员',
  'status.signedOut': '未登录',
  'status.operatorName': '{name}（{role}）',
  'status.unknown': '—',
  'status.appDetails': '{mode} · 版本 {version} · 数据目录：{dataDir}',
  'role.operator': '值班员',
  'role.shiftLead': '值班长',
  'mode.desktop': '桌面模式',
  'mode.browser': '浏览器模式',

  'call.getAppInfo': '读取应用信息',
  'call.getStatus': '读取运行状态',
  'call.getQueueCounts': '读取队列计数',
  'call.getPreferences': '读取偏好设置',
  'call.setPreferences': '保存偏好设置',
  'call.signIn': '登录',
  'call.signOut': '退出登录',
  'call.submitAction': '提交操作',
  'call.listUnfinishedActions': '读取待上传操作',
  'call.retryAction': '重试操作',
  'call.discardAction': '放弃操作',
  'call.getQueuePage': '读取队列',
  'call.getItemDetail': '读取详情',
  'call.getReadings': '读取监测数据',
  'call.snoozeWorkPrompt': '暂缓工作提示',
  'call.dismissWorkPrompt': '撤销工作提示',
  'call.getAlarms': '读取告警',
  'call.acknowledgeAlarms': '确认告警',
  'call.setAlarmMute': '设置静音',
  'error.callFailed': '{action}失败：{reason}',
  'error.actionSeparator': '、',
  'error.UNKNOWN_CALL': '值班台服务不认识此请求，页面与服务的版本可能不一致。',
  'error.INVALID_ARGUMENT': '请求参数无效（程序错误），详情见技术细节。',
  'error.UNAUTHORIZED': '访问令牌无效或已过期，请打开 DutyDesk 启动时打印的完整链接。',
  'error.UNREACHABLE': '无法连接到值班台服务，请确认 DutyDesk 仍在运行。',
  'error.UNAVAILABLE': '该功能暂时不可用，请稍后再试。',
  'error.INTERNAL': '值班台服务内部出错，详情见日志。',
  'error.SIGN_IN_REFUSED': '中心平台拒绝了用户名或密码，请核对后重试。',
  'error.NOT_SIGNED_IN': '请先登录再进行操作。',
  'error.ACTION_REFUSED': '该操作无法按所填内容执行，详情见技术细节。',
  'notice.cacheRebuilt':
    '本地缓存已损坏，已移至 {movedTo} 保存，并正在从中心平台重新同步；已恢复 {count} 项未上传的操作。',
  'notice.rulesOverrideRefused': '站点的工作提示规则（rules.json）未生效，仍按内置规则运行：{detail}',
  'notice.heldActions':
    '{name} 记录的 {count} 项操作尚未上传：中心平台以登录人记录操作人，需 {name} 在本机重新登录后才能上传（其后的操作随后上传）。',
  'error.details': '技术细节',
  'error.dismiss': '关闭',
  'link.down': '与值班台服务的实时连接已中断，正在自动重连…',

  'token.title': '需要访问令牌',
  'token.body': '请打开 DutyDesk 启动时打印的完整链接（含 ?token=）。',

  'crash.title': '界面出现意外错误',
  'crash.reload': '重新加载',
} as const;

const zhCN = {
  ...frameZhCN,
  ...actionsMessages['zh-CN'],
  ...alarmsMessages['zh-CN'],
  ...consoleMessages['zh-CN'],
  ...detailMessages['zh-CN'],
  ...valuesMessages['zh-CN'],
};

export type MessageKey = keyof typeof zhCN;
export type MessageTable = Readonly<Record<MessageKey, string>>;

const frameEn: Readonly<Record<keyof typeof frameZhCN, string>> = {
  'app.demoBadge': 'Demo data',
  'app.demoBadgeHint': 'Running on the embedded demo district: the data is simulated',
  'app.switchLocale': '中文',
  'app.switchLocaleHint': 'Switch the interface language to Chinese',
  'app.switchToLight': 'Light theme',
  'app.switchToLightHint': 'Switch to the light theme (for a bright room)',
  'app.switchToDark': 'Dark theme',
  'app.switchToDarkHint': 'Switch to the dark theme (for night shifts)',

  'queues.heading': 'Queues',
  'queues.shortcutHint': 'Keys 1–{last} switch queues, ↑↓ move',
  'queues.countLabel': '{count} items',
  'queues.countUnknown': 'count unknown',
  'queue.redAlerts': 'Red alerts',
  'queue.undispatched': 'Undispatched > 1 h',
  'queue.overdueClosure': 'Overdue closure',
  'queue.nonStandard': 'Non-standard records',
  'queue.workPrompts': 'Work prompts',
  'queue.silentScenes': 'Silent scenes',
  'queue.deviceIssues': 'Devices offline / info errors',
  'queue.syncRate': 'Sync rate low',
  'queue.dutyItems': 'Duty items',

  'area.dataAsOf': 'Data as of {time}',
  'area.neverSynced': 'Not synced yet',
  'area.emptyTitle': 'Nothing here yet',
  'area.emptyDetail': 'The queue fills after sync.',

  'signIn.title': 'Sign in to the central platform',
  'signIn.intro': 'Sign in with your central platform account to sync and work the queues.',
  'signIn.username': 'Username',
  'signIn.password': 'Password',
  'signIn.submit': 'Sign in',
  'signIn.submitting': 'Signing in…',
  'signIn.cancel': 'Cancel',
  'signIn.refused': 'Wrong username or password; check them and try again.',
  'signIn.demoAccounts': 'Demo accounts (click to fill in)',
  'signIn.demoShiftLead': 'Shift lead',
  'signIn.expired':
    'Your session has expired: sign in again. Unsent actions are kept and go out once you are signed in.',
  'signIn.again': 'Sign in again',
  'signOut.button': 'Sign out',
  'signOut.hint': 'Sign {name} out',

  'grid.label': '{queue} list',
  'grid.total': '{count} items',
  'grid.loading': 'Loading…',
  'grid.keyHint': 'j/k or ↑↓ move, Enter opens the detail, Esc returns to the queues',
  'grid.days': 'd',
  'grid.overdueBy': 'overdue {span}',
  'column.level': 'Level',
  'column.title': 'Title',
  'column.scene': 'Scene',
  'column.category': 'Category',
  'column.location': 'Location',
  'column.elapsed': 'Elapsed',
  'column.dueIn': 'Due in',
  'column.handler': 'Handler',
  'column.status': 'Status',
  'column.claimedBy': 'Claimed by',
  'column.detail': 'Detail',
  'level.red': 'Red',
  'level.orange': 'Orange',
  'level.yellow': 'Yellow',
  'level.blue': 'Blue',

  'detail.title': 'Detail',
  'detail.close': 'Close (Esc)',
  'detail.entity': 'Kind',
  'detail.id': 'ID',
  'detail.since': 'Since',
  'detail.dueAt': 'Due at',
  'detail.none': '—',
  'entity.alert': 'Alert',
  'entity.scene': 'Scene',
  'entity.device': 'Device',
  'entity.workPrompt': 'Work prompt',

  'status.connection': 'Central platform',
  'connection.online': 'Online',
  'connection.degraded': 'Degraded',
  'connection.offline': 'Offline',
  'connection.unconfigured': 'Not configured',
  'status.since': 'since {time}',
  'status.centralUrl': 'Central URL: {url}',
  'status.noCentralUrl': 'No central platform URL is configured',
  'status.lastError': 'Last error: {error}',
  'status.lastSync': 'Last sync',
  'status.neverSynced': 'never',
  'status.serverTime': 'Server time',
  'status.timeZone': 'Time zone: {zone}',
  'status.pending': 'Pending',
  'status.pendingHint': 'Actions recorded here and not yet confirmed by the central platform',
  'status.rejected': 'Rejected',
  'status.rejectedHint': 'Actions the central platform refused, waiting to be retried or discarded',
  'status.operator': 'Operator',
  'status.signedOut': 'Not signed in',
  'status.operatorName': '{name} ({role})',
  'status.unknown': '—',
  'status.appDetails': '{mode} · version {version} · data directory: {dataDir}',
  'role.operator': 'Operator',
  'role.shiftLead': 'Shift lead',
  'mode.desktop': 'Desktop mode',
  'mode.browser': 'Browser mode',

  'call.getAppInfo': 'Reading the app information',
  'call.getStatus': 'Reading the status',
  'call.getQueueCounts': 'Reading the queue counts',
  'call.getPreferences': 'Reading the preferences',
  'call.setPreferences': 'Saving the preferences',
  'call.signIn': 'Signing in',
  'call.signOut': 'Signing out',
  'call.submitAction': 'Submitting the action',
  'call.listUnfinishedActions': 'Reading the pending actions',
  'call.retryAction': 'Retrying the action',
  'call.discardAction': 'Discarding the action',
  'call.getQueuePage': 'Reading the queue',
  'call.getItemDetail': 'Reading the details',
  'call.getReadings': 'Reading the monitoring data',
  'call.snoozeWorkPrompt': 'Snoozing the work prompt',
  'call.dismissWorkPrompt': 'Dismissing the work prompt',
  'call.getAlarms': 'Reading the alarms',
  'call.acknowledgeAlarms': 'Acknowledging the alarms',
  'call.setAlarmMute': 'Setting the mute',
  'error.callFailed': '{action} failed: {reason}',
  'error.actionSeparator': ', ',
  'error.UNKNOWN_CALL':
    'The DutyDesk service does not know this request: the page and the service may be different versions.',
  'error.INVALID_ARGUMENT': 'The request was invalid (a program error); see the technical details.',
  'error.UNAUTHORIZED':
    'The access token is invalid or has expired: open the full link DutyDesk printed when it started.',
  'error.UNREACHABLE': 'Cannot reach the DutyDesk service: check that DutyDesk is still running.',
  'error.UNAVAILABLE': 'This is not available right now; try again shortly.',
  'error.INTERNAL': 'DutyDesk failed internally; the log has the details.',
  'error.SIGN_IN_REFUSED': 'The central platform refused the username or password; check them and try again.',
  'error.NOT_SIGNED_IN': 'Sign in before taking actions.',
  'error.ACTION_REFUSED': 'This action cannot be taken as entered; see the technical details.',
  'notice.cacheRebuilt':
    'The local cache was damaged: it was kept at {movedTo} and a full resync from the central platform is running; {count} unsent action(s) were recovered.',
  'notice.rulesOverrideRefused':
    "The site's work-prompt rules (rules.json) were not applied; the shipped rules are in force: {detail}",
  'notice.heldActions':
    '{count} actions taken by {name} are not sent yet: the platform records the signed-in operator as the actor, so they go up once {name} signs in again on this workstation (later actions follow).',
  'error.details': 'Technical details',
  'error.dismiss': 'Dismiss',
  'link.down': 'The live connection to the DutyDesk service was lost; reconnecting…',

  'token.title': 'Access token required',
  'token.body': 'Open the full link DutyDesk printed when it started (with ?token=).',

  'crash.title': 'The interface hit an unexpected error',
  'crash.reload': 'Reload',
};

const en: MessageTable = {
  ...frameEn,
  ...actionsMessages.en,
  ...alarmsMessages.en,
  ...consoleMessages.en,
  ...detailMessages.en,
  ...valuesMessages.en,
};

export const frameMessageKeys: readonly string[] = Object.keys(frameZhCN);

export const messageTables: Readonly<Record<Locale, MessageTable>> = { 'zh-CN': zhCN, en };

export type MessageParams = Readonly<Record<string, string | number>>;

/** The text of `key` in `locale`, with each `{name}` replaced by `params.name` (unknown names stay visible). */
export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  const template = messageTables[locale][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : placeholder,
  );
}

export type Translate = (key: MessageKey, params?: MessageParams) => string;
