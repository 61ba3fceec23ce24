/**
 * What the simulated district is made of: Pudong's streets and towns, and the risk categories of the national guide
 * (§三) with what each monitors, its thresholds per warning level, its owning department and how often it alerts.
 * Numbers are plausible rather than official; names of people, firms and phone numbers are fictitious.
 */
import type { AlertLevel, Domain, RiskCategory } from './domain';

export interface Street {
  name: string;
  lng: number;
  lat: number;
  roads: readonly string[];
}

/** 浦东新区's 12 streets and 24 towns with approximate centres and a few roads each. */
export const STREETS: readonly Street[] = [
  {
    name: '陆家嘴街道',
    lng: 121.505,
    lat: 31.238,
    roads: ['世纪大道', '陆家嘴环路', '银城中路', '浦东南路'],
  },
  { name: '潍坊新村街道', lng: 121.525, lat: 31.228, roads: ['潍坊路', '崂山路', '张杨路', '源深路'] },
  { name: '洋泾街道', lng: 121.535, lat: 31.245, roads: ['羽山路', '博山东路', '浦东大道', '灵山路'] },
  { name: '塘桥街道', lng: 121.515, lat: 31.215, roads: ['浦建路', '东方路', '塘桥新路', '南泉路'] },
  { name: '南码头路街道', lng: 121.505, lat: 31.2, roads: ['南码头路', '浦东南路', '临沂路', '东三里桥路'] },
  { name: '周家渡街道', lng: 121.495, lat: 31.18, roads: ['云台路', '上南路', '耀华路', '成山路'] },
  { name: '上钢新村街道', lng: 121.48, lat: 31.17, roads: ['上南路', '济阳路', '长清路', '德州路'] },
  { name: '东明路街道', lng: 121.505, lat: 31.16, roads: ['东明路', '凌兆路', '成山路', '永泰路'] },
  { name: '花木街道', lng: 121.555, lat: 31.21, roads: ['锦绣路', '花木路', '梅花路', '芳甸路', '白杨路'] },
  { name: '沪东新村街道', lng: 121.57, lat: 31.27, roads: ['五莲路', '莱阳路', '长岛路', '金高路'] },
  { name: '金杨新村街道', lng: 121.565, lat: 31.255, roads: ['金杨路', '罗山路', '长岛路', '博兴路'] },
  { name: '浦兴路街道', lng: 121.58, lat: 31.265, roads: ['浦兴路', '东陆路', '金桥路', '荷泽路'] },
  {
    name: '川沙新镇',
    lng: 121.7,
    lat: 31.19,
    roads: ['川沙路', '华夏东路', '川环南路', '妙境路', '申迪北路'],
  },
  { name: '高桥镇', lng: 121.58, lat: 31.35, roads: ['季景路', '江东路', '港建路', '张杨北路'] },
  { name: '北蔡镇', lng: 121.55, lat: 31.18, roads: ['沪南路', '莲园路', '御桥路', '锦绣路'] },
  { name: '合庆镇', lng: 121.75, lat: 31.23, roads: ['庆荣路', '华夏东路', '东川公路', '庆利路'] },
  { name: '唐镇', lng: 121.66, lat: 31.215, roads: ['唐陆路', '创新中路', '王港路', '龙东大道'] },
  { name: '曹路镇', lng: 121.67, lat: 31.27, roads: ['金海路', '民雷路', '龚路中路', '川沙路'] },
  { name: '金桥镇', lng: 121.6, lat: 31.25, roads: ['金桥路', '金海路', '新金桥路', '宁桥路', '杨高北路'] },
  { name: '高行镇', lng: 121.61, lat: 31.29, roads: ['东靖路', '杨高北路', '环林东路', '华东路'] },
  { name: '高东镇', lng: 121.62, lat: 31.32, roads: ['五洲大道', '杨高北路', '东高路', '杨园南路'] },
  {
    name: '张江镇',
    lng: 121.6,
    lat: 31.2,
    roads: ['张江路', '祖冲之路', '科苑路', '金科路', '张衡路', '碧波路'],
  },
  { name: '三林镇', lng: 121.5, lat: 31.145, roads: ['三林路', '上南路', '杨思路', '永泰路', '懿德路'] },
  { name: '惠南镇', lng: 121.76, lat: 31.05, roads: ['城南路', '人民东路', '拱极路', '沪南公路'] },
  { name: '周浦镇', lng: 121.59, lat: 31.11, roads: ['沪南公路', '年家浜路', '周祝公路', '康沈路'] },
  { name: '新场镇', lng: 121.65, lat: 31.03, roads: ['沪南公路', '新奉公路', '东大公路'] },
  { name: '大团镇', lng: 121.73, lat: 30.99, roads: ['团新公路', '南芦公路', '沪南公路'] },
  { name: '康桥镇', lng: 121.58, lat: 31.14, roads: ['康桥路', '秀沿路', '沪南公路', '康杉路'] },
  { name: '航头镇', lng: 121.6, lat: 31.05, roads: ['航头路', '沪南公路', '鹤沙路', '航都路'] },
  { name: '祝桥镇', lng: 121.79, lat: 31.12, roads: ['川南奉公路', '机场大道', '启航路'] },
  { name: '泥城镇', lng: 121.83, lat: 30.9, roads: ['南芦公路', '两港大道', '云汉路'] },
  { name: '宣桥镇', lng: 121.7, lat: 31.05, roads: ['宣春路', '三三公路', '沪南公路'] },
  { name: '书院镇', lng: 121.88, lat: 30.96, roads: ['新欣路', '东大公路', '丽正路'] },
  { name: '万祥镇', lng: 121.82, lat: 30.98, roads: ['三三公路', '振万路', '万宏路'] },
  { name: '老港镇', lng: 121.86, lat: 31.06, roads: ['南滨公路', '建港路', '老芦公路'] },
  { name: '南汇新城镇', lng: 121.93, lat: 30.9, roads: ['环湖西一路', '申港大道', '古棕路', '水芸路'] },
];

/** Common surnames, one character each (all in the BMP, so splitting by code unit is safe). */
export const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董潘袁蔡蒋余杜叶程魏苏吕丁任沈姚卢姜钟陆汪范金石顾毛钱严'.split(
    '',
  );
export const GIVEN_NAMES = [
  '伟',
  '芳',
  '敏',
  '静',
  '强',
  '磊',
  '洋',
  '勇',
  '军',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '海燕',
  '建华',
  '志强',
  '晓东',
  '丽华',
  '国庆',
  '春梅',
  '振宇',
  '佳怡',
  '子轩',
  '文博',
  '思远',
  '雨桐',
  '浩然',
  '嘉怡',
  '立新',
  '卫东',
];

/** The required detail fields (要素信息) every alert carries; categories add their own. */
export const COMMON_REQUIRED_ELEMENTS: readonly ElementField[] = [
  { key: 'location', label: '事件地点' },
  { key: 'deviceCode', label: '设备编号' },
  { key: 'monitoredValue', label: '监测值' },
  { key: 'threshold', label: '阈值标准' },
  { key: 'ownerUnit', label: '权属单位' },
  { key: 'contact', label: '现场联系人' },
  { key: 'contactPhone', label: '联系电话' },
  { key: 'riskDescription', label: '风险描述' },
];

export interface ElementField {
  key: string;
  label: string;
}

export interface ElementSpec {
  /** Short code, unique within the category. */
  code: string;
  name: string;
  unit: string;
  /** `above`: a higher reading is worse; `below`: a lower one is (oxygen, pressure, tyre pressure). */
  direction: 'above' | 'below';
  /** The reading at which each level begins (各级超限阈值). */
  thresholds: Record<AlertLevel, number>;
  /** Normal operating value, for plausible readings. */
  normal: number;
  decimals: number;
}

export interface CategorySpec {
  id: RiskCategory;
  name: string;
  domain: Domain;
  department: string;
  /** The unit that usually disposes of its alerts (权属/处置单位). */
  handlerUnits: readonly string[];
  elements: readonly ElementSpec[];
  extraElements: readonly ElementField[];
  deviceModels: readonly string[];
  /** Alerts per device per day in an ordinary hour pattern, before seasonal and weather factors. */
  ratePerDevicePerDay: number;
  /** Devices of a district-wide scene (regional scenes have fewer). */
  devicesPerScene: readonly [number, number];
  /** Regional (street-level) scenes besides the district-wide one. */
  regionalScenes: number;
  /** Whether a sector sub-platform also reports (分平台). */
  subplatform: string | null;
  /** Handling limit (处置时限) in hours per level, as written in the command manual. */
  handlingLimitHours: Record<AlertLevel, number>;
  /** Relative level mix; red is rare. */
  levelWeights: Record<AlertLevel, number>;
  /** When in the day alerts come (local hours 0-23 weights). */
  dayShape: 'flat' | 'daytime' | 'meals' | 'evening';
  season: 'none' | 'flood' | 'typhoon' | 'winter';
  facility: (pick: FacilityPicker) => string;
  riskText: string;
  measures: readonly string[];
  feedback: readonly string[];
}

export interface FacilityPicker {
  road: string;
  number: number;
  street: string;
  pick: <T>(items: readonly T[]) => T;
}

const STANDARD_LIMITS: Record<AlertLevel, number> = { blue: 72, yellow: 24, orange: 8, red: 4 };
const URGENT_LIMITS: Record<AlertLevel, number> = { blue: 24, yellow: 8, orange: 4, red: 2 };
const SLOW_LIMITS: Record<AlertLevel, number> = { blue: 168, yellow: 72, orange: 24, red: 8 };
const USUAL_MIX: Record<AlertLevel, number> = { blue: 62, yellow: 26, orange: 9.5, red: 2.5 };
const RARE_RED_MIX: Record<AlertLevel, number> = { blue: 66, yellow: 25, orange: 8, red: 1 };

const RESTAURANTS = [
  '小南国',
  '老盛昌',
  '苏小柳',
  '蟹家大院',
  '沪上阿姨',
  '兰州拉面',
  '沙县小吃',
  '鼎泰丰',
  '云海肴',
];
const ESTATES = [
  '潍坊四村',
  '崂山五村',
  '东昌新村',
  '塘桥新村',
  '南码头二村',
  '上钢三村',
  '金杨新村',
  '洋泾小区',
];
const CHEMICAL_FIRMS = ['高桥石化', '华谊新材料', '浦江化工', '东海石化储运', '申能燃气储配', '金桥精细化工'];
const VENUES = [
  '陆家嘴滨江步道',
  '东方明珠广场',
  '世纪公园',
  '正大广场',
  '上海迪士尼度假区',
  '前滩太古里',
  '张江科学城',
];

export const CATEGORIES: readonly CategorySpec[] = [
  {
    id: 'gasPipeline',
    name: '燃气管线泄漏',
    domain: 'lifeline',
    department: '区建设和交通委员会',
    handlerUnits: ['浦东燃气抢修中心', '大众燃气浦东分公司'],
    elements: [
      el('ch4', '相邻空间甲烷浓度', '%LEL', 'above', [10, 20, 35, 50], 1, 1),
      el('pressure', '中压管网压力', 'MPa', 'below', [0.2, 0.17, 0.14, 0.1], 0.28, 3),
      el('flow', '管段流量', 'm³/h', 'above', [900, 1100, 1300, 1600], 620, 0),
    ],
    extraElements: [{ key: 'pipeSpec', label: '管线规格' }],
    deviceModels: ['阀门井甲烷监测仪 RQ-M3', '管网压力监测终端 PT-200'],
    ratePerDevicePerDay: 0.02,
    devicesPerScene: [90, 140],
    regionalScenes: 2,
    subplatform: '浦东新区燃气安全监管分平台',
    handlingLimitHours: URGENT_LIMITS,
    levelWeights: USUAL_MIX,
    dayShape: 'flat',
    season: 'none',
    facility: (p) => `${p.road}${p.number}号旁燃气阀门井（中压DN${p.pick([200, 300, 400])}）`,
    riskText: '管线相邻空间可燃气体浓度升高，存在泄漏扩散至窨井、管沟引发爆炸的风险',
    measures: ['关闭上游阀门，设置警戒区', '通风稀释并复测浓度', '抢修队开挖查漏'],
    feedback: [
      '已定位泄漏点为接口老化，完成更换并复测正常',
      '复测浓度恢复正常，系沼气干扰，已加装隔离',
      '更换阀门密封件，压力恢复',
    ],
  },
  {
    id: 'restaurantGas',
    name: '餐饮场所燃气泄漏',
    domain: 'lifeline',
    department: '区市场监督管理局',
    handlerUnits: ['所属街镇城运分中心', '浦东燃气抢修中心'],
    elements: [
      el('ch4', '甲烷浓度', '%LEL', 'above', [8, 15, 25, 40], 0.5, 1),
      el('c3h8', '丙烷浓度', '%LEL', 'above', [8, 15, 25, 40], 0.3, 1),
    ],
    extraElements: [{ key: 'venueName', label: '场所名称' }],
    deviceModels: ['可燃气体探测器 JT-KB', '声光报警一体机 SG-3'],
    ratePerDevicePerDay: 0.035,
    devicesPerScene: [160, 260],
    regionalScenes: 3,
    subplatform: null,
    handlingLimitHours: URGENT_LIMITS,
    levelWeights: USUAL_MIX,
    dayShape: 'meals',
    season: 'none',
    facility: (p) => `${p.pick(RESTAURANTS)}（${p.road}店）后厨`,
    riskText: '用气场所可燃气体浓度超限，存在软管、灶具泄漏引发闪爆火灾的风险',
    measures: ['通知店内关闭气源、开窗通风', '街镇网格员到场核查', '检测软管及灶具'],
    feedback: ['软管老化开裂，已更换并复测正常', '员工未关灶阀，已整改并教育', '探测器误报，已校准'],
  },
  {
    id: 'bridge',
    name: '桥梁运行安全',
    domain: 'lifeline',
    department: '区建设和交通委员会',
    handlerUnits: ['区道路桥梁养护所', '桥梁监测单位'],
    elements: [
      el('displacement', '支座位移', 'mm', 'above', [15, 25, 35, 50], 4, 1),
      el('deflection', '主梁挠度', 'mm', 'above', [30, 45, 60, 80], 12, 1),
      el('tilt', '桥墩倾角', '°', 'above', [0.2, 0.35, 0.5, 0.8], 0.05, 2),
      el('crack', '裂缝宽度', 'mm', 'above', [0.2, 0.3, 0.5, 1], 0.08, 2),
    ],
    extraElements: [{ key: 'bridgeGrade', label: '桥梁技术状况等级' }],
    deviceModels: ['静力水准仪 SL-1', '倾角计 QJ-2', '裂缝计 LF-5'],
    ratePerDevicePerDay: 0.025,
    devicesPerScene: [50, 80],
    regionalScenes: 0,
    subplatform: null,
    handlingLimitHours: STANDARD_LIMITS,
    levelWeights: RARE_RED_MIX,
    dayShape: 'daytime',
    season: 'none',
    facility: (p) => `${p.road}跨${p.pick(['川杨河', '张家浜', '白莲泾', '三林塘港', '赵家沟', '咸塘港'])}桥`,
    riskText: '桥梁结构变形或受力超限，存在结构损伤、局部垮塌风险',
    measures: ['限载通行并安排巡查', '组织专家研判', '复核监测数据'],
    feedback: [
      '超载车辆通过引起，已加强治超，数据回落',
      '专家现场检查未见结构损伤，继续观测',
      '支座病害已列入维修计划',
    ],
  },
  {
    id: 'waterSupply',
    name: '供排水管网泄漏',
    domain: 'lifeline',
    department: '区水务局',
    handlerUnits: ['浦东威立雅自来水抢修中心', '区排水管理所'],
    elements: [
      el('pressure', '供水管网压力', 'MPa', 'below', [0.18, 0.15, 0.12, 0.08], 0.3, 3),
      el('noise', '漏水噪声', 'dB', 'above', [35, 45, 55, 65], 20, 0),
      el('level', '排水管道液位', 'm', 'above', [1.2, 1.6, 2, 2.5], 0.6, 2),
      el('soil', '土壤含水率', '%', 'above', [35, 42, 50, 60], 22, 1),
    ],
    extraElements: [{ key: 'pipeSpec', label: '管线规格' }],
    deviceModels: ['管网压力计 YL-8', '听漏仪 TL-3', '超声波液位计 YW-1'],
    ratePerDevicePerDay: 0.03,
    devicesPerScene: [100, 150],
    regionalScenes: 1,
    subplatform: '浦东新区智慧水务分平台',
    handlingLimitHours: STANDARD_LIMITS,
    levelWeights: USUAL_MIX,
    dayShape: 'flat',
    season: 'flood',
    facility: (p) => `${p.road}DN${p.pick([600, 800, 1000, 1200])}供水干管${p.number}号检查井`,
    riskText: '管网压力异常或漏水，存在土壤流失、路面塌陷风险',
    measures: ['关阀降压', '探漏定位', '设置路面警示'],
    feedback: ['爆管已抢修完毕，恢复供水', '定位漏点并完成修复，路面回填', '压力波动系调度引起，已恢复'],
  },
  {
    id: 'undergroundUtility',
    name: '地下市政设施中毒窒息',
    domain: 'lifeline',
    department: '区城市管理行政执法局',
    handlerUnits: ['管线权属单位', '作业单位'],
    elements: [
      el('o2', '氧气浓度', '%VOL', 'below', [19.5, 19, 18, 16], 20.8, 1),
      el('h2s', '硫化氢浓度', 'ppm', 'above', [5, 10, 15, 20], 0.5, 1),
      el('co', '一氧化碳浓度', 'ppm', 'above', [20, 30, 50, 100], 2, 0),
      el('door', '井盖非审批开启时长', 'min', 'above', [5, 15, 30, 60], 0, 0),
    ],
    extraElements: [{ key: 'workPermit', label: '作业审批编号' }],
    deviceModels: ['四合一气体检测仪 QT-4', '智能井盖 JG-2'],
    ratePerDevicePerDay: 0.02,
    devicesPerScene: [80, 120],
    regionalScenes: 1,
    subplatform: null,
    handlingLimitHours: URGENT_LIMITS,
    levelWeights: USUAL_MIX,
    dayShape: 'daytime',
    season: 'none',
    facility: (p) => `${p.road}${p.number}号${p.pick(['电力', '通信', '污水', '雨水'])}窨井`,
    riskText: '有限空间有毒有害气体积聚或缺氧，存在作业人员中毒窒息风险',
    measures: ['禁止人员进入并强制通风', '核查作业审批', '复测气体浓度'],
    feedback: ['通风后复测合格，作业单位补办审批', '井盖被非法开启，已复位并加锁', '传感器受潮误报，已更换'],
  },
  {
    id: 'oldBuilding',
    name: '老旧房屋坍塌',
    domain: 'publicSafety',
    department: '区住房和城乡建设管理委员会',
    handlerUnits: ['房屋所在物业公司', '区房屋安全鉴定站'],
    elements: [
      el('tilt', '房屋倾斜率', '‰', 'above', [4, 7, 10, 15], 1.2, 1),
      el('crack', '墙体裂缝宽度', 'mm', 'above', [1, 2, 3, 5], 0.3, 1),
      el('settlement', '累计沉降', 'mm', 'above', [20, 30, 40, 60], 6, 1),
    ],
    extraElements: [{ key: 'buildingAge', label: '建成年代' }],
    deviceModels: ['倾角监测仪 QX-3', '裂缝计 LF-5'],
    ratePerDevicePerDay: 0.02,
    devicesPerScene: [70, 110],
    regionalScenes: 2,
    subplatform: null,
    handlingLimitHours: STANDARD_LIMITS,
    levelWeights: RARE_RED_MIX,
    dayShape: 'flat',
    season: 'none',
    facility: (p) => `${p.pick(ESTATES)}${p.number % 60}号楼`,
    riskText: '建筑倾斜、裂缝或沉降超限，存在外墙倒塌、房屋坍塌风险',
    measures: ['通知物业及住户', '房屋安全鉴定', '必要时人员撤离'],
    feedback: ['鉴定为C级，已落实加固方案', '裂缝为装修引起，已修补', '周边施工引起沉降，已暂停施工'],
  },
  {
    id: 'crowd',
    name: '大客流',
    domain: 'publicSafety',
    department: '区公安分局',
    handlerUnits: ['属地派出所', '场所管理方'],
    elements: [
      el('density', '人员密度', '人/m²', 'above', [1.5, 2.5, 3.5, 5], 0.6, 1),
      el('flow', '15分钟进入客流', '人次', 'above', [8000, 12000, 16000, 20000], 3000, 0),
    ],
    extraElements: [{ key: 'venueCapacity', label: '最大承载量' }],
    deviceModels: ['视频客流计数 KL-1', 'Wi-Fi探针 TZ-2'],
    ratePerDevicePerDay: 0.25,
    devicesPerScene: [25, 40],
    regionalScenes: 1,
    subplatform: null,
    handlingLimitHours: URGENT_LIMITS,
    levelWeights: USUAL_MIX,
    dayShape: 'evening',
    season: 'none',
    facility: (p) => `${p.pick(VENUES)}${p.pick(['入口', '核心区', '出口通道', '换乘通道'])}`,
    riskText: '人员密度超限，存在拥挤踩踏风险',
    measures: ['启动限流分流', '增派警力疏导', '发布出行提示'],
    feedback: ['限流后密度回落正常', '活动结束客流散去', '分流措施到位，秩序良好'],
  },
  {
    id: 'buildingFire',
    name: '建筑火灾',
    domain: 'publicSafety',
    department: '区消防救援支队',
    handlerUnits: ['单位消防控制室', '属地消防救援站'],
    elements: [
      el('smoke', '烟雾浓度', 'dB/m', 'above', [0.1, 0.15, 0.2, 0.3], 0.01, 2),
      el('temp', '探测区温度', '℃', 'above', [54, 62, 70, 85], 26, 0),
      el('leak', '剩余电流', 'mA', 'above', [300, 500, 800, 1000], 40, 0),
    ],
    extraElements: [{ key: 'fireSafetyManager', label: '消防安全管理人' }],
    deviceModels: ['感烟探测器 YG-2', '电气火灾监控探测器 DH-6'],
    ratePerDevicePerDay: 0.03,
    devicesPerScene: [150, 220],
    regionalScenes: 3,
    subplatform: '浦东新区智慧消防分平台',
    handlingLimitHours: URGENT_LIMITS,
    levelWeights: USUAL_MIX,
    dayShape: 'flat',
    season: 'winter',
    facility: (p) => `${p.road}${p.number}号${p.pick(['商业综合体', '养老院', '高层住宅', '仓库', '医院'])}`,
    riskText: '烟温或电气参数异常，存在火灾风险',
    measures: ['消控室人员到场确认', '切断故障回路', '通知属地消防站'],
    feedback: ['厨房油烟引起误报，已确认无火情', '线路过载，已更换断路器', '吸烟引起，已整改'],
  },
  {
    id: 'elevator',
    name: '电梯运行',
    domain: 'publicSafety',
    department: '区市场监督管理局',
    handlerUnits: ['电梯维保单位', '96333应急处置中心'],
    elements: [
      el('trapped', '困人时长', 'min', 'above', [5, 15, 30, 45], 0, 0),
      el('vibration', '轿厢振动加速度', 'm/s²', 'above', [0.5, 0.8, 1.2, 2], 0.1, 2),
      el('speed', '运行速度偏差', '%', 'above', [10, 15, 25, 40], 2, 0),
    ],
    extraElements: [{ key: 'registrationCode', label: '电梯注册代码' }],
    deviceModels: ['电梯物联网采集终端 DT-96'],
    ratePerDevicePerDay: 0.04,
    devicesPerScene: [120, 200],
    regionalScenes: 2,
    subplatform: null,
    handlingLimitHours: URGENT_LIMITS,
    levelWeights: RARE_RED_MIX,
    dayShape: 'daytime',
    season: 'none',
    facility: (p) => `${p.pick(ESTATES)}${p.number % 40}号楼${p.pick(['1', '2', '3'])}号电梯`,
    riskText: '电梯运行参数异常或困人，存在乘客伤害风险',
    measures: ['维保人员到场救援', '停梯检修', '安抚被困乘客'],
    feedback: ['困人已解救，门锁回路故障已修复', '更换导靴后振动正常', '检修完毕恢复运行'],
  },
  {
    id: 'keyVehicle',
    name: '重点车辆运输',
    domain: 'publicSafety',
    department: '区交通委员会',
    handlerUnits: ['运输企业安全员', '交警浦东支队'],
    elements: [
      el('overspeed', '超速幅度', '%', 'above', [10, 20, 35, 50], 0, 0),
      el('driving', '连续驾驶时长', 'h', 'above', [4, 4.5, 5, 6], 2, 1),
      el('tyre', '胎压', 'kPa', 'below', [620, 580, 540, 480], 800, 0),
    ],
    extraElements: [{ key: 'plateNumber', label: '车牌号' }],
    deviceModels: ['车载定位终端 BD-808', '驾驶员状态监测 DSM-2'],
    ratePerDevicePerDay: 0.12,
    devicesPerScene: [60, 100],
    regionalScenes: 0,
    subplatform: '危险货物运输车辆监管分平台',
    handlingLimitHours: URGENT_LIMITS,
    levelWeights: USUAL_MIX,
    dayShape: 'daytime',
    season: 'none',
    facility: (p) => `${p.road}（${p.pick(['危险货物运输车', '校车', '渣土车', '旅游客车'])}行驶路段）`,
    riskText: '车辆违法驾驶或车况异常，存在交通事故风险',
    measures: ['通知驾驶员停车休息', '企业安全员电话督促', '交警拦截检查'],
    feedback: ['驾驶员已停车休息，企业已约谈', '胎压异常已到站检修', '超速行为已处罚'],
  },
  {
    id: 'hazardousChemicals',
    name: '危险化学品',
    domain: 'productionSafety',
    department: '区应急管理局',
    handlerUnits: ['企业安全管理部门', '区应急管理局执法大队'],
    elements: [
      el('level', '储罐液位', '%', 'above', [85, 88, 92, 95], 60, 1),
      el('temp', '储罐温度', '℃', 'above', [40, 45, 50, 60], 22, 1),
      el('pressure', '储罐压力', 'MPa', 'above', [0.8, 0.9, 1, 1.2], 0.45, 2),
      el('gas', '可燃气体浓度', '%LEL', 'above', [10, 20, 30, 50], 1, 1),
      el('toxic', '有毒气体浓度', 'ppm', 'above', [10, 20, 30, 50], 0.5, 1),
    ],
    extraElements: [{ key: 'hazardSourceLevel', label: '重大危险源等级' }],
    deviceModels: ['雷达液位计 LD-26', '可燃气体探测器 GT-10', '压力变送器 PT-3051'],
    ratePerDevicePerDay: 0.025,
    devicesPerScene: [110, 160],
    regionalScenes: 1,
    subplatform: '危险化学品安全生产风险监测预警分平台',
    handlingLimitHours: URGENT_LIMITS,
    levelWeights: USUAL_MIX,
    dayShape: 'flat',
    season: 'none',
    facility: (p) =>
      `${p.pick(CHEMICAL_FIRMS)}（${p.street}）${p.pick(['储罐区', '装卸区', '仓库', '装置区'])}`,
    riskText: '重大危险源参数超限或可燃有毒气体泄漏，存在火灾爆炸中毒风险',
    measures: ['企业启动应急预案', '现场复核并降负荷', '执法大队督查'],
    feedback: ['液位计故障，已人工核对并校准', '泄漏点已封堵，浓度回落', '工艺调整完成，参数正常'],
  },
  {
    id: 'construction',
    name: '工程建设',
    domain: 'productionSafety',
    department: '区建设和交通委员会',
    handlerUnits: ['施工总包单位', '第三方监测单位'],
    elements: [
      el('settlement', '周边地表沉降', 'mm', 'above', [20, 30, 40, 50], 5, 1),
      el('tilt', '邻近建筑倾斜', '‰', 'above', [2, 3, 4, 6], 0.5, 1),
      el('axial', '支撑轴力', 'kN', 'above', [2400, 2800, 3200, 3800], 1500, 0),
      el('groundwater', '地下水位变化', 'm', 'above', [0.5, 0.8, 1, 1.5], 0.1, 2),
    ],
    extraElements: [{ key: 'projectName', label: '工程名称' }],
    deviceModels: ['自动化全站仪 TS-60', '轴力计 ZL-2', '水位计 SW-1'],
    ratePerDevicePerDay: 0.035,
    devicesPerScene: [80, 120],
    regionalScenes: 1,
    subplatform: null,
    handlingLimitHours: STANDARD_LIMITS,
    levelWeights: USUAL_MIX,
    dayShape: 'daytime',
    season: 'none',
    facility: (p) => `轨道交通${p.pick(['21', '20', '19', '13'])}号线${p.road}站基坑`,
    riskText: '基坑变形或支撑受力超限，存在周边建筑物损坏、坍塌风险',
    measures: ['暂停开挖并加密监测', '加设支撑', '专家论证'],
    feedback: ['加撑后轴力回落', '回灌后沉降趋稳', '监测数据误差已复核'],
  },
  {
    id: 'waterlogging',
    name: '城市内涝',
    domain: 'naturalDisaster',
    department: '区水务局',
    handlerUnits: ['区防汛指挥部办公室', '排水泵站'],
    elements: [
      el('rain', '小时降雨量', 'mm', 'above', [20, 30, 50, 70], 0, 1),
      el('ponding', '积水深度', 'cm', 'above', [10, 15, 25, 40], 0, 0),
      el('river', '河道水位', 'm', 'above', [3.2, 3.5, 3.8, 4.2], 2.6, 2),
    ],
    extraElements: [{ key: 'pumpStation', label: '责任泵站' }],
    deviceModels: ['雷达水位计 SW-R', '积水监测仪 JS-2', '雨量计 YL-1'],
    ratePerDevicePerDay: 0.03,
    devicesPerScene: [70, 110],
    regionalScenes: 2,
    subplatform: '浦东新区防汛防台分平台',
    handlingLimitHours: URGENT_LIMITS,
    levelWeights: USUAL_MIX,
    dayShape: 'flat',
    season: 'flood',
    facility: (p) => `${p.road}${p.pick(['下立交', '低洼路段', '地下车库入口', '隧道口'])}`,
    riskText: '降雨强度大或积水深，存在道路内涝、车辆人员被困风险',
    measures: ['泵站开机排水', '设置警示封闭道路', '抢险队待命'],
    feedback: ['积水已排除，道路恢复通行', '雨停后水位回落', '雨水口堵塞已疏通'],
  },
  {
    id: 'typhoon',
    name: '台风',
    domain: 'naturalDisaster',
    department: '区气象局',
    handlerUnits: ['区防汛指挥部办公室', '海塘管理所'],
    elements: [
      el('wind', '平均风速', 'm/s', 'above', [13.9, 17.2, 24.5, 32.7], 4, 1),
      el('tide', '潮位', 'm', 'above', [4.5, 4.8, 5.1, 5.5], 3.2, 2),
      el('wave', '浪高', 'm', 'above', [2, 2.5, 3.5, 4.5], 0.8, 1),
    ],
    extraElements: [{ key: 'warningSignal', label: '预警信号' }],
    deviceModels: ['自动气象站 QX-6', '潮位站 CW-2'],
    ratePerDevicePerDay: 0.03,
    devicesPerScene: [30, 50],
    regionalScenes: 0,
    subplatform: null,
    handlingLimitHours: URGENT_LIMITS,
    levelWeights: { blue: 55, yellow: 28, orange: 13, red: 4 },
    dayShape: 'flat',
    season: 'typhoon',
    facility: (p) => `${p.pick(['三甲港', '临港', '东海', '芦潮港', '老港'])}海塘${p.number % 30}号监测点`,
    riskText: '大风、高潮位叠加，存在海塘漫溢、设施损毁风险',
    measures: ['加固临时设施', '海塘巡查', '人员转移准备'],
    feedback: ['台风过境，无险情', '海塘巡查完毕，局部护坡已修复', '风力减弱，解除警戒'],
  },
  {
    id: 'geological',
    name: '地面沉降',
    domain: 'naturalDisaster',
    department: '区规划和自然资源局',
    handlerUnits: ['区地质环境监测站'],
    elements: [
      el('subsidence', '地表形变速率', 'mm/月', 'above', [5, 8, 12, 20], 1, 1),
      el('crack', '地裂缝宽度', 'mm', 'above', [2, 5, 10, 20], 0, 1),
    ],
    extraElements: [],
    deviceModels: ['GNSS形变监测站 GN-1', '分层标 FC-2'],
    ratePerDevicePerDay: 0.02,
    devicesPerScene: [30, 45],
    regionalScenes: 0,
    subplatform: null,
    handlingLimitHours: SLOW_LIMITS,
    levelWeights: RARE_RED_MIX,
    dayShape: 'flat',
    season: 'none',
    facility: (p) => `${p.street}${p.road}地面沉降监测点`,
    riskText: '地表形变速率异常，存在地面塌陷、管线损坏风险',
    measures: ['加密观测', '排查地下工程及抽水', '设置警示'],
    feedback: ['周边降水井停抽后趋稳', '复测为仪器漂移', '已纳入重点观测'],
  },
];

function el(
  code: string,
  name: string,
  unit: string,
  direction: 'above' | 'below',
  [blue, yellow, orange, red]: readonly [number, number, number, number],
  normal: number,
  decimals: number,
): ElementSpec {
  return { code, name, unit, direction, thresholds: { blue, yellow, orange, red }, normal, decimals };
}

export function categorySpec(id: RiskCategory): CategorySpec {
  const spec = CATEGORIES.find((category) => category.id === id);
  if (!spec) throw new Error(`unknown risk category ${id}`);
  return spec;
}

/** Relative alert intensity per local hour (Asia/Shanghai) for each day shape. */
export const DAY_SHAPES: Record<CategorySpec['dayShape'], readonly number[]> = {
  flat: [
    0.8, 0.7, 0.7, 0.7, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.1, 1.1, 1, 1, 0.9,
    0.9, 0.8,
  ],
  daytime: [
    0.2, 0.2, 0.2, 0.2, 0.3, 0.5, 0.9, 1.4, 1.6, 1.6, 1.6, 1.5, 1.3, 1.5, 1.6, 1.6, 1.6, 1.5, 1.3, 1, 0.8,
    0.5, 0.4, 0.3,
  ],
  meals: [
    0.3, 0.2, 0.2, 0.2, 0.2, 0.4, 0.8, 1, 0.9, 0.8, 1.4, 2.4, 2.4, 1.4, 0.8, 0.7, 1, 1.8, 2.4, 2.2, 1.2, 0.8,
    0.5, 0.4,
  ],
  evening: [
    0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 0.9, 1.2, 1, 1, 1.2, 1.3, 1.3, 1.3, 1.4, 1.5, 1.8, 2, 2.2, 2.2, 1.8,
    1.2, 0.6,
  ],
};

export const DUTY_ROOM = '浦东新区城市安全风险综合监测预警总平台值班室';
